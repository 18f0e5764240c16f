using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Redis;

/// <summary>Read-through Redis cache in front of the durable snapshot store; written whenever a snapshot is taken.</summary>
public sealed class CachingSnapshotStore(ISnapshotStore durable, RedisSnapshotCache cache) : ISnapshotStore
{
    public async Task<Snapshot?> LoadAsync(StreamId stream, int schemaVersion, long? maxVersion = null, CancellationToken ct = default)
    {
        var cached = await cache.GetAsync(stream.Value);
        if (cached is not null && cached.SchemaVersion == schemaVersion && (maxVersion is null || cached.Version <= maxVersion))
        {
            return cached;
        }

        var snapshot = await durable.LoadAsync(stream, schemaVersion, maxVersion, ct);
        // Fill the cache unless it already holds something newer of the right shape (a time-travel load asked for an older one).
        if (snapshot is not null && (cached is null || cached.SchemaVersion != schemaVersion || cached.Version < snapshot.Version))
        {
            await cache.SetAsync(snapshot);
        }

        return snapshot;
    }

    public async Task SaveAsync(Snapshot snapshot, CancellationToken ct = default)
    {
        await durable.SaveAsync(snapshot, ct);
        await cache.SetAsync(snapshot);
    }

    public async Task ForgetAsync(StreamId stream, CancellationToken ct = default)
    {
        await durable.ForgetAsync(stream, ct);
        await cache.RemoveAsync(stream.Value);
    }
}
