using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

public class RelayTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task The_relay_never_loses_an_event_when_the_publisher_fails_times_out_or_succeeds()
    {
        var bank = new BankServices(db.DataSource);
        for (var i = 0; i < 40; i++)
        {
            await bank.OpenAsync(deposit: i + 1);
        }

        var publisher = new ChaoticPublisher(seed: 3);
        var relay = new EventRelay(db.DataSource, bank.Store, publisher, NullLogger<EventRelay>.Instance);
        var failures = 0;
        for (var run = 0; run < 200 && publisher.Confirmed.Count < 80; run++)
        {
            try
            {
                await relay.RunAsync(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), batchSize: 7, name: "test");
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                failures++;
            }
        }

        var all = (await bank.Store.QueryAsync(new EventQuery { Limit = 1000 })).Events.Select(e => e.EventId).ToHashSet();
        Assert.True(failures > 0, "the chaotic publisher must have failed some runs");
        Assert.Superset(all, publisher.Confirmed.ToHashSet());
        Assert.Subset(all, publisher.Confirmed.ToHashSet());
        Assert.Equal((await bank.Store.QueryAsync(new EventQuery { Limit = 1000 })).Events.Max(e => e.GlobalPosition), (await relay.ReadCursorAsync("test")).Position);
        Assert.All(publisher.Keys, k => Assert.StartsWith("account-", k));
    }

    /// <summary>Fails, hangs past the timeout, or confirms a batch, at random.</summary>
    private sealed class ChaoticPublisher(int seed) : IEventPublisher
    {
        private readonly Random _random = new(seed);

        public List<Guid> Confirmed { get; } = [];

        public List<string> Keys { get; } = [];

        public async Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            switch (_random.Next(4))
            {
                case 0:
                    throw new InvalidOperationException("broker unavailable");
                case 1:
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    return;
                default:
                    Confirmed.AddRange(events.Select(e => e.EventId));
                    Keys.AddRange(events.Select(e => e.StreamId));
                    return;
            }
        }
    }
}
