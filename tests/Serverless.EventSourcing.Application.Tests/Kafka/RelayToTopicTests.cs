using System.Text.Json;
using Confluent.Kafka;

namespace Serverless.EventSourcing.Application.Tests.Kafka;

/// <summary>The relay's producer on a Kafka-protocol endpoint: everything once, in stream order, and nothing lost across an outage.</summary>
public class RelayToTopicTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task Every_event_is_published_once_and_each_stream_keeps_its_order_within_its_partition()
    {
        var h = new KafkaHarness(db, await KafkaEndpoint.GetSharedAsync());
        var accounts = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            accounts.Add(await h.Bank.OpenAsync(deposit: 1));
        }

        await h.DepositAsync(accounts, 600);
        await h.RelayAllAsync();

        var records = await ReadTopicAsync(h, expected: 624);
        Assert.Equal(624, records.Count);
        Assert.Equal(624, records.Select(r => r.EventId).Distinct().Count());
        foreach (var stream in records.GroupBy(r => r.Key))
        {
            Assert.Single(stream.Select(r => r.Partition).Distinct());
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.OrderBy(r => r.Offset).Select(r => r.Version));
        }
    }

    [Fact]
    public async Task An_outage_stops_the_relay_without_moving_its_cursor_past_unconfirmed_events_and_it_carries_on_afterwards()
    {
        using var endpoint = await KafkaEndpoint.StartAsync(brokers: 1);
        var h = new KafkaHarness(db, endpoint);
        var accounts = new List<string> { await h.Bank.OpenAsync(), await h.Bank.OpenAsync() };
        await h.DepositAsync(accounts, 100);
        await h.RelayAllAsync();
        var confirmed = await h.Relay.ReadCursorAsync();

        // When the endpoint goes away and more is appended, the relay fails and its cursor stays
        endpoint.TakeDown();
        await h.DepositAsync(accounts, 100);
        await Assert.ThrowsAnyAsync<Exception>(() => h.Relay.RunAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));
        Assert.Equal(confirmed, await h.Relay.ReadCursorAsync());

        // then, back up, it publishes everything: no event missing (a repeat is allowed: the dispatcher skips it)
        endpoint.BringUp();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await h.RelayAllAsync();
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }

        var all = new HashSet<Guid>();
        foreach (var account in accounts)
        {
            all.UnionWith((await h.Bank.Store.ReadStreamAsync(StreamId.For("account", account), 1, 1000)).Events.Select(e => e.EventId));
        }

        var published = (await ReadTopicAsync(h, expected: all.Count)).Select(r => r.EventId).ToHashSet();
        Assert.Equal(202, all.Count);
        Assert.Subset(published, all);
    }

    private static async Task<List<(string Key, Guid EventId, long Version, int Partition, long Offset)>> ReadTopicAsync(KafkaHarness h, int expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = h.Endpoint.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(h.Settings.Topic);
        var records = new List<(string, Guid, long, int, long)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var quietUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < quietUntil)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                var value = JsonDocument.Parse(record.Message.Value).RootElement;
                records.Add((record.Message.Key, value.GetProperty("eventId").GetGuid(), value.GetProperty("streamVersion").GetInt64(), record.Partition.Value, record.Offset.Value));
                if (records.Count >= expected && quietUntil == DateTime.MaxValue)
                {
                    // Read on a moment past the expected count, so a duplicate would show.
                    quietUntil = DateTime.UtcNow.AddSeconds(1);
                }
            }
        }

        consumer.Close();
        return records;
    }
}
