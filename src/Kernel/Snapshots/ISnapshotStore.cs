using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Snapshots;

public interface ISnapshotStore
{
    /// <summary>The newest snapshot of <paramref name="schemaVersion"/> at or before <paramref name="maxVersion"/>.</summary>
    Task<Snapshot?> LoadAsync(StreamId stream, int schemaVersion, long? maxVersion = null, CancellationToken ct = default);

    Task SaveAsync(Snapshot snapshot, CancellationToken ct = default);

    /// <summary>Removes every snapshot of a stream, wherever it is kept (used when a stream is purged).</summary>
    Task ForgetAsync(StreamId stream, CancellationToken ct = default);
}
