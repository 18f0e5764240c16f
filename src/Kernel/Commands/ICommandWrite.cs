using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>
/// One command's transaction, holding its stream's write lock until it commits or is disposed (which rolls back).
/// What it read is exact while it lives: nobody else can append to the stream.
/// </summary>
public interface ICommandWrite : IAsyncDisposable
{
    /// <summary>An unexpired record of the command's idempotency key, read under the lock.</summary>
    IdempotencyRecord? Earlier { get; }

    /// <summary>The stream's version (0 when it does not exist).</summary>
    long Version { get; }

    bool IsDeleted { get; }

    /// <summary>The newest snapshot of the requested state schema, if any.</summary>
    Snapshot? Snapshot { get; }

    /// <summary>The events after <see cref="Snapshot"/> (all of them without one), in order.</summary>
    IReadOnlyList<StoredEvent> Events { get; }

    /// <summary>Appends at <paramref name="expected"/>, records <paramref name="record"/> with them, and commits.</summary>
    /// <returns>Null when another request recorded the same key meanwhile; nothing was written.</returns>
    Task<AppendResult?> CommitAsync(ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct = default);

    /// <summary>Records an outcome that wrote no events (a rule rejection) and commits; false when the key was taken meanwhile.</summary>
    Task<bool> CommitRecordAsync(IdempotencyRecord record, CancellationToken ct = default);
}
