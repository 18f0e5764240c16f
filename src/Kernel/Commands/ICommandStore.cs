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
}
