using Confluent.Kafka;
using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Timers;

/// <summary>
/// The relay timer, invoked as the host invokes it, publishes the log to the topic on a Kafka-protocol endpoint. The
/// app's fast path publishes each committed append at once as well, so every event arrives once or twice, never zero.
/// </summary>
public sealed class RelayTimerTests(RelayTimerTests.Host host) : IClassFixture<RelayTimerTests.Host>
{
    public sealed class Host : FunctionsAppHost
    {
        public string Topic { get; } = "relay-" + Guid.NewGuid().ToString("N")[..8];

        public KafkaEndpoint Kafka { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            Kafka = await KafkaEndpoint.GetSharedAsync();
            await base.InitializeAsync();
        }

        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = Kafka.BootstrapServers,
            ["Kafka:EventsTopic"] = Topic,
            ["Kafka:SecurityProtocol"] = "Plaintext",
        };
    }

    [Fact]
    public async Task The_timer_publishes_every_event_keyed_by_stream_and_the_fast_path_only_adds_repeats()
    {
        var streams = Enumerable.Range(0, 5).Select(_ => $"note-{Api.NewId()}").ToList();
        foreach (var round in Enumerable.Range(0, 4))
        {
            foreach (var stream in streams)
            {
                await host.Client.AppendOneAsync(stream);
            }
        }

        await RunRelayAsync();
        await host.Client.AppendOneAsync(streams[0]);
        await RunRelayAsync();
        await RunRelayAsync();

        var records = await ConsumeAsync(expected: 42);
        Assert.Equal(21, records.Select(r => r.EventId).Distinct().Count());
        Assert.All(records.GroupBy(r => r.EventId), e => Assert.InRange(e.Count(), 1, 2));
        foreach (var stream in streams)
        {
            var versions = records.Where(r => r.Key == stream).Select(r => r.Version).Distinct().Order();
            Assert.Equal(Enumerable.Range(1, stream == streams[0] ? 5 : 4).Select(v => (long)v), versions);
        }

        var cursor = await host.Database.ScalarAsync<long>("select position from es_relay_cursors where name = 'kafka'");
        Assert.Equal(await host.Database.ScalarAsync<long>("select max(global_position) from es_events"), cursor);
    }

    private Task RunRelayAsync() =>
        FunctionInvoker.InvokeAsync<object>(FunctionInvoker.EntryPoint("RelayEvents"), host.Services, CancellationToken.None, new TimerInfo());

    private async Task<List<(string Key, Guid EventId, long Version)>> ConsumeAsync(int expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = host.Kafka.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(host.Topic);
        var records = new List<(string, Guid, long)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // Read past the expected count for a moment, so a duplicate would show.
        var quietUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < quietUntil)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                var value = JsonDocument.Parse(record.Message.Value).RootElement;
                records.Add((record.Message.Key, value.GetProperty("eventId").GetGuid(), value.GetProperty("streamVersion").GetInt64()));
                if (records.Count == expected)
                {
                    quietUntil = DateTime.UtcNow.AddSeconds(1);
                }
            }
        }

        consumer.Close();
        return records;
    }
}
