using Serverless.EventSourcing.Postgres.EventStore;

namespace Serverless.EventSourcing.Postgres.Tests;

/// <summary>A fresh database per test class, with the store over it.</summary>
public sealed class StoreFixture : PostgresDatabase
{
    public PostgresEventStore Store { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Store = new PostgresEventStore(DataSource, new EventStoreLimits { MaxEventBytes = 4096, MaxEventsPerAppend = 50 });
    }

    public static EventData Event(string type = "Deposited", int amount = 1, string? correlationId = null) =>
        new(type, $"{{\"amount\":{amount}}}", new EventMetadata { CorrelationId = correlationId });

    public static StreamId NewStream(string category = "account") => StreamId.For(category, Guid.NewGuid().ToString("N")[..10]);
}
