using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>
/// The write side of commands. A command takes its stream's write lock before it loads, in the transaction that
/// appends (Marten's "exclusive writing"): writers of one stream queue for a few milliseconds instead of losing an
/// optimistic race, so a command that did not pin a version never sees a conflict.
/// </summary>
public interface ICommandStore
{
    /// <summary>The unexpired idempotency record for <paramref name="key"/>, if any (a read outside any lock).</summary>
    Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// Opens a transaction, takes the stream's write lock and reads, in one round trip, what deciding needs: the
    /// idempotency record of <paramref name="idempotencyKey"/>, the stream's version, its newest snapshot of
    /// <paramref name="snapshotSchemaVersion"/> (when given) and the events after that snapshot.
    /// </summary>
    Task<ICommandWrite> BeginAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default);

    /// <summary>
    /// Reads what <see cref="BeginAsync"/> reads, without the lock and without holding a transaction while the command
    /// decides. The write's commit appends at the version it is given and throws <see cref="WrongExpectedVersionException"/>
    /// when another writer came in between (nothing written); the pipeline then decides again under the lock. A store
    /// that cannot write this way reads exclusively.
    /// </summary>
    Task<ICommandWrite> ReadAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default) =>
        BeginAsync(stream, idempotencyKey, snapshotSchemaVersion, ct);
}
