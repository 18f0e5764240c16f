using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Application.Tests.Projections;
using Serverless.EventSourcing.Kafka;
using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Application.Tests.Kafka;

/// <summary>The bank's projections fed through a Kafka-protocol endpoint: relay → topic → consumer group → dispatcher.</summary>
public sealed class KafkaHarness
{
    public KafkaHarness(PostgresDatabase db, KafkaEndpoint endpoint)
    {
        Projections = new ProjectionHarness(db);
        Endpoint = endpoint;
        Settings = new KafkaSettings(endpoint.BootstrapServers, "events-" + Guid.NewGuid().ToString("N")[..8], "group-" + Guid.NewGuid().ToString("N")[..8], SecurityProtocol.Plaintext, null, null);
        Publisher = new KafkaEventPublisher(Settings);
        Relay = new EventRelay(db.DataSource, Projections.Bank.Store, Publisher, NullLogger<EventRelay>.Instance);
        Parked = new PostgresParkedMessages(db.DataSource);
        Handler = new KafkaBatchHandler(Projections.Dispatcher, Parked, NullLogger<KafkaBatchHandler>.Instance);
    }

    public ProjectionHarness Projections { get; }

    public BankServices Bank => Projections.Bank;

    public KafkaEndpoint Endpoint { get; }

    public KafkaSettings Settings { get; }

    public KafkaEventPublisher Publisher { get; }

    public EventRelay Relay { get; }

    public PostgresParkedMessages Parked { get; }

    public KafkaBatchHandler Handler { get; }

    /// <param name="fastJoin">KIP-848's consumer protocol: joins at once instead of after the classic rebalance delay.</param>
    public KafkaProjectionConsumer NewConsumer(int maxBatch = 200, KafkaBatchHandler? handler = null, bool fastJoin = false) =>
        new(fastJoin ? Settings with { GroupProtocol = Confluent.Kafka.GroupProtocol.Consumer } : Settings, handler ?? Handler, NullLogger<KafkaProjectionConsumer>.Instance) { MaxBatch = maxBatch };

    /// <summary>Relays until the cursor stops moving (everything committed before the call is on the topic).</summary>
    public async Task RelayAllAsync()
    {
        while (await Relay.RunAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)) > 0)
        {
        }
    }

    /// <summary>Appends <paramref name="count"/> deposits of 1 to <paramref name="accounts"/>, round robin, in batches of up to 50 per append.</summary>
    public async Task DepositAsync(IReadOnlyList<string> accounts, int count)
    {
        for (var done = 0; done < count;)
        {
            var account = accounts[done / 50 % accounts.Count];
            var n = Math.Min(50, count - done);
            var events = Enumerable.Range(0, n).Select(_ => Bank.Registry.Events.ToEventData(new AccountEvents.MoneyDeposited(1, "EUR", "kafka"), EventMetadata.Empty)).ToList();
            await Bank.Store.AppendAsync(StreamId.For("account", account), ExpectedVersion.Any, events);
            done += n;
        }
    }

    /// <summary>Waits until every account's balance read model equals its aggregate's balance (a fold of its events).</summary>
    public async Task WaitUntilReadModelsEqualTheFoldAsync(IReadOnlyList<string> accounts, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var mismatches = new List<string>();
            foreach (var id in accounts)
            {
                var expected = (await Bank.StateAsync(id)).Balance;
                var actual = await Projections.BalanceAsync(id);
                if (actual != expected)
                {
                    mismatches.Add($"{id}: read model {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}, fold {expected}");
                }
            }

            if (mismatches.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "read models differ from the fold: " + string.Join("; ", mismatches.Take(5)));
            await Task.Delay(200);
        }
    }
}

