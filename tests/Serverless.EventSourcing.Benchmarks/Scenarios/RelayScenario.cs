using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Kafka;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Streams;
using Serverless.EventSourcing.TestKit.Servers;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// <c>relay</c>: how fast the relay moves the log to a Kafka-protocol endpoint (librdkafka's mock cluster, acks=all,
/// idempotent producer), from a backlog of appended events until caught up.
/// </summary>
public static class RelayScenario
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        using var kafka = await KafkaEndpoint.StartAsync();
        var store = new PostgresEventStore(db.DataSource);
        var total = 50_000 * scale;
        for (var i = 0; i < total / 100; i++)
        {
            var events = Enumerable.Range(0, 100).Select(_ => new EventData("Deposited", "{\"amount\":1}", EventMetadata.Empty)).ToList();
            await store.AppendAsync(StreamId.Parse($"relay-{i % 500}"), ExpectedVersion.Any, events);
        }

        using var publisher = new KafkaEventPublisher(new KafkaSettings(kafka.BootstrapServers, "relay-bench", "none", Confluent.Kafka.SecurityProtocol.Plaintext, null, null));
        var relay = new EventRelay(db.DataSource, store, publisher, NullLogger<EventRelay>.Instance);
        var started = Stopwatch.GetTimestamp();
        var relayed = await relay.RunAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(60));
        var rate = Math.Round(relayed / Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
        return [new BenchmarkResult("relay", 1, rate, null, null,
            Note: $"{relayed} events log → topic in batches of 500, each confirmed by the broker before the cursor moves")];
    }
}
