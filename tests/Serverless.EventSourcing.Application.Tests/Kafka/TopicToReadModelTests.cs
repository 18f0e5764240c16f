using Confluent.Kafka;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Tests.Kafka;

/// <summary>
/// The consumer group that feeds projections from the topic, in the trigger's input shape, committing only after a
/// batch is applied: read models end equal to a fold of the aggregates whatever is killed or shared on the way.
/// </summary>
public class TopicToReadModelTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task Ten_thousand_events_over_fifty_streams_end_in_read_models_equal_to_a_fold_of_the_aggregates()
    {
        var h = new KafkaHarness(db, await KafkaEndpoint.GetSharedAsync());
        await h.Projections.Dispatcher.RegisterAsync();
        var accounts = await OpenAsync(h, 50);
        await h.DepositAsync(accounts, 10_000 - 50);
        await h.RelayAllAsync();

        using var stop = new CancellationTokenSource();
        var consumer = h.NewConsumer(maxBatch: 500).RunAsync(stop.Token);
        await h.WaitUntilReadModelsEqualTheFoldAsync(accounts, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await consumer;
    }

    [Fact]
    public async Task A_consumer_killed_mid_batch_again_and_again_gives_exactly_once_effect()
    {
        var h = new KafkaHarness(db, await KafkaEndpoint.GetSharedAsync());
        await h.Projections.Dispatcher.RegisterAsync();
        var accounts = await OpenAsync(h, 10);
        await h.DepositAsync(accounts, 2_000);
        await h.RelayAllAsync();

        // Each incarnation dies right after applying a batch and before committing it (the worst moment), or is
        // stopped at a random moment; whatever was applied but not committed comes again.
        var random = new Random(11);
        var crashes = 0;
        for (var life = 0; life < 4; life++)
        {
            using var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(4_000, 6_000)));
            var crashing = new CrashAfterApplying(h.Projections.Dispatcher, every: 3, kill, () => Interlocked.Increment(ref crashes));
            var handler = new KafkaBatchHandler(crashing, h.Parked, Microsoft.Extensions.Logging.Abstractions.NullLogger<KafkaBatchHandler>.Instance);
            await h.NewConsumer(maxBatch: 40, handler, fastJoin: true).RunAsync(kill.Token);
        }

        Assert.True(crashes > 0, "some incarnations must have died between applying and committing");

        using var stop = new CancellationTokenSource();
        var last = h.NewConsumer(fastJoin: true).RunAsync(stop.Token);
        await h.WaitUntilReadModelsEqualTheFoldAsync(accounts, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await last;
    }

    [Fact]
    public async Task Two_consumers_in_one_group_share_the_partitions_and_together_apply_everything_once()
    {
        var h = new KafkaHarness(db, await KafkaEndpoint.GetSharedAsync());
        await h.Projections.Dispatcher.RegisterAsync();
        var accounts = await OpenAsync(h, 24);
        using var stop = new CancellationTokenSource();
        var first = h.NewConsumer(maxBatch: 20);
        var second = h.NewConsumer(maxBatch: 20);
        var applied = new int[2];
        first.Applied += n => Interlocked.Add(ref applied[0], n);
        second.Applied += n => Interlocked.Add(ref applied[1], n);
        var running = new[] { first.RunAsync(stop.Token), second.RunAsync(stop.Token) };

        // Appended and relayed while both are in the group.
        for (var round = 0; round < 10; round++)
        {
            await h.DepositAsync(accounts, 240);
            await h.RelayAllAsync();
        }

        await h.WaitUntilReadModelsEqualTheFoldAsync(accounts, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(running);
        Assert.True(applied[0] > 0 && applied[1] > 0, $"both consumers should have owned partitions; they applied {applied[0]} and {applied[1]} messages");
        Assert.True(applied[0] + applied[1] >= 2_400, "together they applied every message at least once");
    }

    [Fact]
    public async Task A_message_that_is_not_an_envelope_is_parked_and_its_partition_moves_on()
    {
        var h = new KafkaHarness(db, await KafkaEndpoint.GetSharedAsync());
        await h.Projections.Dispatcher.RegisterAsync();
        var accounts = await OpenAsync(h, 4);
        await h.RelayAllAsync();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = h.Endpoint.BootstrapServers }).Build())
        {
            foreach (var account in accounts)
            {
                // Same key as the account's events, so the garbage sits in the middle of their partition.
                await producer.ProduceAsync(h.Settings.Topic, new Message<string, string> { Key = $"account-{account}", Value = "{\"not\":\"an envelope\"}" });
            }
        }

        await h.DepositAsync(accounts, 200);
        await h.RelayAllAsync();
        using var stop = new CancellationTokenSource();
        var consumer = h.NewConsumer(maxBatch: 10).RunAsync(stop.Token);
        await h.WaitUntilReadModelsEqualTheFoldAsync(accounts, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await consumer;

        Assert.Equal(4L, await h.Parked.CountAsync());
        Assert.Equal(4L, await db.ScalarAsync<long>("select count(*) from es_parked_messages where source like $1 and error like '%field ''eventId'' is missing%'", h.Settings.Topic + "/%"));
    }

    /// <summary>Applies every batch, and on every <paramref name="every"/>th one kills the consumer before it can commit.</summary>
    private sealed class CrashAfterApplying(IProjectionDispatcher inner, int every, CancellationTokenSource kill, Action crashed) : IProjectionDispatcher
    {
        private int _calls;

        public async Task DispatchAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct = default)
        {
            await inner.DispatchAsync(batch, ct);
            if (++_calls % every == 0)
            {
                crashed();
                await kill.CancelAsync();
                throw new OperationCanceledException("killed after applying, before committing");
            }
        }
    }

    private static async Task<List<string>> OpenAsync(KafkaHarness h, int count)
    {
        var accounts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            accounts.Add(await h.Bank.OpenAsync(deposit: 1));
        }

        return accounts;
    }
}
