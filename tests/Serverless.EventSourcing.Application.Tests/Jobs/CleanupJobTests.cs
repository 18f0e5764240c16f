using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Redis;

namespace Serverless.EventSourcing.Application.Tests.Jobs;

public class CleanupJobTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    private static readonly JobOptions Retentions = new()
    {
        TombstonedStreamRetention = TimeSpan.FromDays(30),
        DeadLetterRetention = TimeSpan.FromDays(30),
        SagaStateRetention = TimeSpan.FromDays(30),
        KeepSnapshotsPerStream = 2,
    };

    [Fact]
    public async Task Retention_boundaries_are_respected_just_before_and_just_after()
    {
        var h = new JobHarness(db.DataSource, Retentions);
        var young = await h.Bank.OpenAsync();
        var old = await h.Bank.OpenAsync();
        foreach (var (id, age) in new[] { (young, "29 days 23 hours"), (old, "30 days 1 hour") })
        {
            await h.Bank.Store.TombstoneAsync(StreamId.For("account", id), ExpectedVersion.Any);
            await db.ExecuteAsync($"update es_streams set deleted_at = now() - interval '{age}' where stream_id = $1", $"account-{id}");
        }

        await db.ExecuteAsync("insert into es_idempotency_keys (key, request_hash, result, expires_at) values ('k-expired', 'h', '{}', now() - interval '1 second'), ('k-live', 'h', '{}', now() + interval '1 minute')");
        await db.ExecuteAsync(
            "insert into es_dead_letters (projection, event_id, stream_id, stream_version, global_position, event_type, envelope, error, attempts, parked_at) values " +
            "('p', gen_random_uuid(), 'account-x', 1, 1, 'T', '{}', 'e', 3, now() - interval '30 days 1 hour'), ('p', gen_random_uuid(), 'account-y', 1, 1, 'T', '{}', 'e', 3, now() - interval '29 days 23 hours')");
        await db.ExecuteAsync(
            "insert into es_saga_runs (saga_id, saga, status, finished_at) values " +
            "(gen_random_uuid(), 'transfer', 'finished', now() - interval '30 days 1 hour'), (gen_random_uuid(), 'transfer', 'finished', now() - interval '29 days 23 hours'), " +
            "(gen_random_uuid(), 'transfer', 'active', null)");

        var run = await h.Jobs.RunCleanupJobAsync(default);

        Assert.Equal("completed", run.Status);
        Assert.NotNull(await h.Bank.Store.GetStreamAsync(StreamId.For("account", young)));
        Assert.Null(await h.Bank.Store.GetStreamAsync(StreamId.For("account", old)));
        Assert.Equal(new[] { "k-live" }, await db.ScalarAsync<string[]>("select array_agg(key) from es_idempotency_keys where key like 'k-%'"));
        Assert.Equal(new[] { "account-y" }, await db.ScalarAsync<string[]>("select array_agg(stream_id) from es_dead_letters"));
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from es_saga_runs"));
    }

    [Fact]
    public async Task A_purged_stream_is_gone_everywhere_and_the_purge_log_says_so_while_live_streams_stay()
    {
        await using var redis = await RedisServer.StartAsync();
        // A generous timeout: this test is about purging, not about a slow cache (whose writes are dropped by design).
        await using var cache = new RedisSnapshotCache(new RedisCacheOptions { ConnectionString = redis.ConnectionString, OperationTimeout = TimeSpan.FromSeconds(10) }, NullLogger<RedisSnapshotCache>.Instance);
        while (!cache.IsConnected)
        {
            await Task.Delay(20);
        }

        var snapshots = new CachingSnapshotStore(new PostgresSnapshotStore(db.DataSource, 5), cache);
        var h = new JobHarness(db.DataSource, Retentions with { KeepSnapshotsPerStream = 5 }, snapshots: snapshots);
        var doomed = await h.AccountWithEventsAsync(7);
        var live = await h.AccountWithEventsAsync(4);
        foreach (var id in new[] { doomed, live })
        {
            var loaded = await h.Bank.Repository.LoadAsync(AccountAggregate.Definition, StreamId.For("account", id));
            await snapshots.SaveAsync(new Snapshot($"account-{id}", loaded.Version, 1, AccountAggregate.Definition.SerializeState(loaded.State), DateTimeOffset.UtcNow));
            await db.ExecuteAsync("insert into es_projection_checkpoints (projection, stream_id, version) values ('balances', $1, 3)", $"account-{id}");
        }

        await h.Bank.Store.TombstoneAsync(StreamId.For("account", doomed), ExpectedVersion.Any);
        await db.ExecuteAsync("update es_streams set deleted_at = now() - interval '31 days' where stream_id = $1", $"account-{doomed}");

        var run = await h.Jobs.RunCleanupJobAsync(default);

        Assert.Equal(1, run.Counts["streamsPurged"]);
        Assert.Equal(7, run.Counts["eventsPurged"]);
        foreach (var table in new[] { "es_events", "es_streams", "es_snapshots", "es_projection_checkpoints" })
        {
            Assert.Equal(0L, await db.ScalarAsync<long>($"select count(*) from {table} where stream_id = $1", $"account-{doomed}"));
            Assert.Equal(1L, await db.ScalarAsync<long>($"select count(*) from (select distinct stream_id from {table} where stream_id = $1) s", $"account-{live}"));
        }

        Assert.Null(await cache.GetAsync($"account-{doomed}"));
        Assert.NotNull(await cache.GetAsync($"account-{live}"));
        Assert.Equal(7L, await db.ScalarAsync<long>("select event_count from es_purge_log where stream_id = $1", $"account-{doomed}"));
        Assert.Equal(4, (await h.Bank.StateAsync(live)).Balance + 1);
    }

    [Fact]
    public async Task Snapshots_beyond_the_last_k_per_stream_are_pruned()
    {
        var h = new JobHarness(db.DataSource, Retentions with { KeepSnapshotsPerStream = 2 });
        var id = await h.AccountWithEventsAsync(5);
        var big = new PostgresSnapshotStore(db.DataSource, keepPerStream: 10);
        for (var v = 1; v <= 5; v++)
        {
            await big.SaveAsync(new Snapshot($"account-{id}", v, 1, "{}", DateTimeOffset.UtcNow));
        }

        await h.Jobs.RunCleanupJobAsync(default);

        Assert.Equal(new long[] { 4, 5 }, await db.ScalarAsync<long[]>("select array_agg(version order by version) from es_snapshots where stream_id = $1", $"account-{id}"));
    }
}
