using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Samples.Bank;
using Serverless.EventSourcing.Samples.Bank.Accounts;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Streams;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>Heap bytes retained per loaded account aggregate, with 1,000 loaded and held at once.</summary>
public static class MemoryScenario
{
    private const int Accounts = 1000;
    private const int EventsPerAccount = 20;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        var registry = BankModule.CreateRegistry();
        var store = new PostgresEventStore(db.DataSource);
        var metadata = new EventMetadata { CorrelationId = "seed" };
        for (var a = 0; a < Accounts; a++)
        {
            var events = new List<object> { new AccountOpened($"owner {a}", "EUR") };
            events.AddRange(Enumerable.Range(0, EventsPerAccount - 1).Select(i => new MoneyDeposited(i + 1, "EUR", "seed")));
            await store.AppendAsync(StreamId.Parse($"account-m{a}"), ExpectedVersion.NoStream, events.Select(e => registry.Events.ToEventData(e, metadata)).ToList());
        }

        var repository = new AggregateRepository(store, new PostgresSnapshotStore(db.DataSource), registry.Events, NullLogger<AggregateRepository>.Instance);
        await repository.LoadAsync(AccountAggregate.Definition, StreamId.Parse("account-m0"));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var held = new LoadedAggregate[Accounts];
        for (var a = 0; a < Accounts; a++)
        {
            held[a] = await repository.LoadAsync(AccountAggregate.Definition, StreamId.Parse($"account-m{a}"));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(held);
        var perAggregate = Math.Round((after - before) / (double)Accounts, 1);
        return [new BenchmarkResult("memory", 1, null, null, null, Note: $"{perAggregate} bytes retained per loaded account ({Accounts} held, {EventsPerAccount} events each)")];
    }
}
