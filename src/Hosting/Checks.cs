using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Postgres;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Projections;
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

/// <summary>With bearer tokens on, the issuer's keys must be at hand (fetched, or cached from an earlier fetch).</summary>
internal sealed class TokenIssuerReadinessCheck(BearerTokenValidator tokens) : IReadinessCheck
{
    public string Name => "token-issuer";

    public bool Required => true;

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct) =>
        await tokens.MetadataAvailableAsync(ct)
            ? new ReadinessResult(true, "signing keys available")
            : new ReadinessResult(false, "the token issuer's discovery document or keys cannot be fetched");
}

internal sealed class StoreStatsContributor(PostgresStoreStats store) : IStatsContributor
{
    public string Section => "store";

    public async Task<object> CollectAsync(CancellationToken ct) => await store.CollectAsync(ct);
}

/// <summary>
/// Fails while an append transaction has been open for longer than the alert threshold: projections, the relay and
/// subscriptions wait for it (gap safety), so the read side is stalled; the detail names the backend to look at.
/// </summary>
internal sealed class LogHorizonReadinessCheck(LogHorizon horizon, ProjectionOptions options) : IReadinessCheck
{
    public string Name => "log-horizon";

    public bool Required => true;

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        var blockers = await horizon.BlockersAsync(options.HorizonAlert, ct);
        return blockers.Count == 0
            ? new ReadinessResult(true, "no append transaction is holding readers back")
            : new ReadinessResult(false, "log readers wait for " + string.Join("; ", blockers.Select(b =>
                $"append transaction of backend pid {b.Pid} (application '{b.ApplicationName}', {b.State}) open for {b.AgeSeconds:0.#} s")));
    }
}
