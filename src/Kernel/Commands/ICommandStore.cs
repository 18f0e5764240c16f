using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>Idempotency-key storage, written in the same transaction as the command's events.</summary>
public interface ICommandStore
{
    /// <summary>The unexpired record for <paramref name="key"/>, if any.</summary>
    Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct = default);

    /// <summary>
    /// Appends and records the key atomically. Returns null (and writes nothing) when another request
    /// recorded the key first.
    /// </summary>
    Task<AppendResult?> AppendWithKeyAsync(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord record, CancellationToken ct = default);

    /// <summary>Records an outcome that wrote no events (a rule rejection). False when the key was taken.</summary>
    Task<bool> RecordAsync(IdempotencyRecord record, CancellationToken ct = default);
}
