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

    /// <summary>Reads the gap-safe log from <paramref name="cursor"/> until it hands out nothing more, collecting into <paramref name="sink"/>.</summary>
    public async Task<LogCursor> ReadToEndAsync(LogCursor cursor, List<EventEnvelope> sink)
    {
        while (true)
        {
            var slice = await Store.ReadLogAsync(cursor, 100);
            sink.AddRange(slice.Events);
            if (slice.Events.Count == 0)
            {
                return cursor;
            }

            cursor = slice.Next;
        }
    }

    public static EventData Event(string type = "Deposited", int amount = 1, string? correlationId = null) =>
        new(type, $"{{\"amount\":{amount}}}", new EventMetadata { CorrelationId = correlationId });

    public static StreamId NewStream(string category = "account") => StreamId.For(category, Guid.NewGuid().ToString("N")[..10]);
}
