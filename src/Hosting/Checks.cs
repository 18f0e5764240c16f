using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Postgres;
using Serverless.EventSourcing.Redis;

namespace Serverless.EventSourcing.Hosting;

internal sealed class PostgresReadinessCheck(PostgresStoreStats store) : IReadinessCheck
{
    public string Name => "postgres";

    public bool Required => true;

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        await store.PingAsync(ct);
        return new ReadinessResult(true, "reachable");
    }
}

/// <summary>Redis is optional: reported, never failing readiness (the service works from PostgreSQL without it).</summary>
internal sealed class RedisReadinessCheck(RedisSnapshotCache cache) : IReadinessCheck
{
    public string Name => "redis";

    public bool Required => false;

    public Task<ReadinessResult> CheckAsync(CancellationToken ct) => Task.FromResult(
        !cache.IsEnabled ? new ReadinessResult(true, "not configured")
        : cache.IsConnected ? new ReadinessResult(true, "connected")
        : new ReadinessResult(false, "unavailable; snapshots are served from PostgreSQL"));
}

internal sealed class StoreStatsContributor(PostgresStoreStats store) : IStatsContributor
{
    public string Section => "store";

    public async Task<object> CollectAsync(CancellationToken ct) => await store.CollectAsync(ct);
}
