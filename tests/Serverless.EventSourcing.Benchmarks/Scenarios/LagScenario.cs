using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// Appends at a steady 500 events/s through the local host's store and measures how long each takes to
/// show in the balances read model: <c>lag</c> with the host's catch-up loops delivering, <c>lag-kafka</c> with the
/// relay, a Kafka-protocol endpoint (librdkafka's mock cluster) and the consumer group delivering.
/// </summary>
public static class LagScenario
{
    private const int Accounts = 100;
    private const int RatePerSecond = 500;

    public static Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale) => RunAsync(scale, "lag", null);

    public static async Task<IReadOnlyList<BenchmarkResult>> RunKafkaAsync(int scale)
    {
        using var kafka = await TestKit.Servers.KafkaEndpoint.StartAsync();
        return await RunAsync(scale, "lag-kafka", new Dictionary<string, string?>
        {
            ["Projections:Delivery"] = "kafka",
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:EventsTopic"] = "lag-events",
            ["Kafka:ConsumerGroup"] = "lag-projections",
        });
    }

    private static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale, string scenario, IDictionary<string, string?>? settings)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db, settings);
        var store = host.Services.GetRequiredService<IEventStore>();
        var events = host.Services.GetRequiredService<EventTypeRegistry>();
        for (var a = 0; a < Accounts; a++)
        {
            await store.AppendAsync(StreamId.Parse($"account-l{a}"), ExpectedVersion.NoStream, [events.ToEventData(new AccountOpened("lag", "EUR"), EventMetadata.Empty)]);
        }

        // Measure from a delivery that is already running: over Kafka the first append creates the topic, and the
        // consumer group needs seconds to see it and get its partitions (that start-up lag is not steady state).
        await db.WaitForAsync($"select count(*) = {Accounts} from es_rm_account_balances where account_id like 'l%'", TimeSpan.FromSeconds(60));

        var appended = new ConcurrentDictionary<(int Account, long Version), long>();
        var seen = new long[Accounts];
        var latencies = new Latencies();
        using var stop = new CancellationTokenSource();
        var observer = Task.Run(() => ObserveAsync(db, appended, seen, latencies, stop.Token));

        var total = RatePerSecond * 10 * scale;
        var started = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / RatePerSecond) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var account = i % Accounts;
            inFlight.Add(Task.Run(async () =>
            {
                var result = await store.AppendAsync(StreamId.Parse($"account-l{account}"), ExpectedVersion.Any, [events.ToEventData(new MoneyDeposited(1, "EUR", null), EventMetadata.Empty)]);
                appended[(account, result.NextExpectedVersion)] = Stopwatch.GetTimestamp();
            }));
        }

        await Task.WhenAll(inFlight);
        var achieved = total / Stopwatch.GetElapsedTime(started).TotalSeconds;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (latencies.Count < total && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await observer;
        return [new BenchmarkResult(scenario, 1, Math.Round(achieved, 1), latencies.Percentile(50), latencies.Percentile(99),
            Note: $"append→visible in balances; {latencies.Count}/{total} observed; P90 {latencies.Percentile(90)} P95 {latencies.Percentile(95)} max {latencies.Percentile(100)} ms; events_per_s = append rate achieved")];
    }

    private static async Task ObserveAsync(BenchmarkDatabase db, ConcurrentDictionary<(int, long), long> appended, long[] seen, Latencies latencies, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await using (var command = db.DataSource.CreateCommand("select account_id, version from es_rm_account_balances where account_id like 'l%'"))
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                var now = Stopwatch.GetTimestamp();
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    var account = int.Parse(reader.GetString(0).AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                    var version = reader.GetInt64(1);
                    for (var v = seen[account] + 1; v <= version; v++)
                    {
                        if (appended.TryRemove((account, v), out var at))
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                            seen[account] = v;
                        }
                        else if (v > 1)
                        {
                            break; // its append has not returned yet; count it on a later pass
                        }
                        else
                        {
                            seen[account] = v;
                        }
                    }
                }
            }

            try
            {
                await Task.Delay(2, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
