using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Samples.Bank;
using Serverless.EventSourcing.Samples.Bank.Accounts;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Redis;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;
using Serverless.EventSourcing.TestKit.Servers;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>Rehydrating an account of 10,000 events: from events only, from a Postgres snapshot + 100 tail events, from a Redis snapshot + tail.</summary>
public static class LoadScenario
{
    private const int Events = 10_000;
    private const int Tail = 100;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var redis = await RedisServer.StartAsync();
        var registry = BankModule.CreateRegistry();
        var store = new PostgresEventStore(db.DataSource);
        var stream = StreamId.Parse("account-load");
        await SeedAsync(store, registry.Events, stream);
        // Measure a settled table, not one autovacuum is about to rewrite under the loads.
        await db.ExecuteAsync("vacuum analyze es_events");

        var pgSnapshots = new PostgresSnapshotStore(db.DataSource);
        var state = new AccountState(AccountStatus.Open, "Ada", "EUR", Events - Tail - 1);
        await pgSnapshots.SaveAsync(new Snapshot(stream.Value, Events - Tail, 1, JsonSerializer.Serialize(state, EventJson.Options), DateTimeOffset.UtcNow));
        await using var cache = new RedisSnapshotCache(new RedisCacheOptions { ConnectionString = redis.ConnectionString }, NullLogger<RedisSnapshotCache>.Instance);
        while (!cache.IsConnected)
        {
            await Task.Delay(50);
        }

        var noSnapshots = AggregateDefinitionWithoutSnapshots();
        var readOnly = new Latencies();
        for (var i = 0; i < 200 * scale; i++)
        {
            await readOnly.TimeAsync(() => store.ReadForFoldAsync(stream, 0, Events));
        }

        var runs = 200 * scale;
        return
        [
            new BenchmarkResult("load-10k-read-only", 1, null, readOnly.Percentile(50), readOnly.Percentile(99), Note: "reading the 10,000 rows only, no deserialization (diagnostic)"),
            await MeasureAsync("load-10k-no-snapshot", runs, new AggregateRepository(store, pgSnapshots, registry.Events, NullLogger<AggregateRepository>.Instance), noSnapshots, stream),
            await MeasureAsync("load-10k-snapshot-postgres", runs * 4, new AggregateRepository(store, pgSnapshots, registry.Events, NullLogger<AggregateRepository>.Instance), AccountAggregate.Definition, stream),
            await MeasureAsync("load-10k-snapshot-redis", runs * 4, new AggregateRepository(store, new CachingSnapshotStore(pgSnapshots, cache), registry.Events, NullLogger<AggregateRepository>.Instance), AccountAggregate.Definition, stream),
        ];
    }

    private static async Task<BenchmarkResult> MeasureAsync(string name, int runs, AggregateRepository repository, IAggregateDefinition definition, StreamId stream)
    {
        for (var i = 0; i < 30; i++)
        {
            await repository.LoadAsync(definition, stream);
        }

        var latencies = new Latencies();
        for (var i = 0; i < runs; i++)
        {
            var loaded = await latencies.TimeAsync(() => repository.LoadAsync(definition, stream));
            if (((AccountState)loaded.State).Balance != Events - 1 || loaded.Version != Events)
            {
                throw new InvalidOperationException($"{name}: wrong state loaded ({loaded.Version}).");
            }
        }

        return new BenchmarkResult(name, 1, null, latencies.Percentile(50), latencies.Percentile(99), Note: $"{runs} sequential loads; state verified each time");
    }

    private static async Task SeedAsync(PostgresEventStore store, EventTypeRegistry events, StreamId stream)
    {
        var metadata = new EventMetadata { CorrelationId = "seed" };
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [events.ToEventData(new AccountOpened("Ada", "EUR"), metadata)]);
        for (var written = 1; written < Events;)
        {
            var batch = Enumerable.Range(0, Math.Min(1000, Events - written)).Select(_ => events.ToEventData(new MoneyDeposited(1, "EUR", "seed"), metadata)).ToList();
            await store.AppendAsync(stream, ExpectedVersion.Exactly(written), batch);
            written += batch.Count;
        }
    }

    private static AggregateDefinition<AccountState> AggregateDefinitionWithoutSnapshots() =>
        new AggregateDefinition<AccountState>("account", AccountState.Initial)
            .On<AccountOpened>((s, e) => s with { Status = AccountStatus.Open, Owner = e.Owner, Currency = e.Currency })
            .On<MoneyDeposited>((s, e) => s with { Balance = s.Balance + e.Amount });
}
