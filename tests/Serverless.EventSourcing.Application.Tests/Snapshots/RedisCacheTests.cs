using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Redis;

namespace Serverless.EventSourcing.Application.Tests.Snapshots;

public sealed class RedisCacheTests(BankDatabase db) : IClassFixture<BankDatabase>, IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RedisSnapshotCache _cache = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _cache = new RedisSnapshotCache(new RedisCacheOptions { ConnectionString = _redis.ConnectionString, OperationTimeout = TimeSpan.FromSeconds(2) }, NullLogger<RedisSnapshotCache>.Instance);
        await WaitUntilAsync(() => _cache.IsConnected);
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_healthy_redis_under_concurrent_load_never_reports_an_outage_even_when_single_calls_are_slow()
    {
        // A deadline so tight that some calls miss it under load: they must count as misses, never as an outage.
        var logger = new CountingLogger();
        await using var tight = new RedisSnapshotCache(new RedisCacheOptions { ConnectionString = _redis.ConnectionString, OperationTimeout = TimeSpan.FromMilliseconds(1) }, logger);
        await WaitUntilAsync(() => tight.IsConnected);
        var snapshot = new Snapshot("account-load", 1, 1, "{}", DateTimeOffset.UtcNow);

        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await tight.SetAsync(snapshot);
                await tight.GetAsync(snapshot.StreamId);
            }
        })));

        Assert.True(tight.IsConnected);
        Assert.Equal(0, logger.Warnings);
    }

    private sealed class CountingLogger : Microsoft.Extensions.Logging.ILogger<RedisSnapshotCache>
    {
        private int _warnings;

        public int Warnings => _warnings;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }

    [Fact]
    public async Task Snapshots_taken_are_written_to_redis_and_loads_read_them_from_there()
    {
        var bank = Bank(new SnapshotPolicy(3, null));
        var id = await bank.OpenAsync(deposit: 10);
        await bank.RunAsync(id, "deposit", new { amount = 5, currency = "EUR" });

        var cached = await _cache.GetAsync($"account-{id}");
        Assert.NotNull(cached);
        Assert.Equal(3, cached.Version);

        // Change only the Redis copy: a load that shows the change was served from Redis.
        await _cache.SetAsync(cached with { State = JsonSerializer.Serialize(new AccountState(AccountStatus.Open, "Ada", "EUR", 4242), EventJson.Options) });
        Assert.Equal(4242, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task With_redis_killed_loads_still_succeed_from_postgres_and_the_cache_is_used_again_once_it_is_back()
    {
        var bank = Bank(new SnapshotPolicy(2, null));
        var id = await bank.OpenAsync(deposit: 10);
        await bank.RunAsync(id, "deposit", new { amount = 5, currency = "EUR" });

        // Redis dies mid-test: loads and commands keep working, correct, from PostgreSQL.
        _redis.Kill();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" })).Succeeded);
            Assert.Equal(16 + i, (await bank.StateAsync(id)).Balance);
        }

        // Redis comes back (empty): the multiplexer reconnects by itself and read-through refills the cache.
        await _redis.RestartAsync();
        await WaitUntilAsync(() => _cache.IsConnected);
        await WaitUntilAsync(async () =>
        {
            await bank.StateAsync(id);
            return await _cache.GetAsync($"account-{id}") is not null;
        });
        var cached = await _cache.GetAsync($"account-{id}");
        Assert.Equal(await db.ScalarAsync<long>("select max(version) from es_snapshots where stream_id = $1", $"account-{id}"), cached!.Version);
        Assert.Equal(20, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task A_cached_snapshot_of_another_schema_is_not_used()
    {
        var bank = Bank(SnapshotPolicy.Never);
        var id = await bank.OpenAsync(deposit: 10);
        await _cache.SetAsync(new Snapshot($"account-{id}", 2, 99, "{\"whatever\":1}", DateTimeOffset.UtcNow));

        Assert.Equal(10, (await bank.StateAsync(id)).Balance);
    }

    private BankServices Bank(SnapshotPolicy policy) =>
        new(db.DataSource, new CommandOptions { SnapshotPolicy = policy }, snapshots: new CachingSnapshotStore(new PostgresSnapshotStore(db.DataSource), _cache));

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(100);
        }
    }
}
