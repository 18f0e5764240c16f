using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Kafka;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>
/// Projection delivery through Kafka (<c>Projections:Delivery</c> = <c>kafka</c>), the Azure code paths on a laptop: the
/// relay moves the log to the topic (woken at once by local appends, polling for others) and a consumer group member
/// feeds the projections. Both beat the loop heartbeats that readiness watches.
/// </summary>
public sealed class KafkaDelivery(
    EventRelay relay, KafkaProjectionConsumer consumer, AppendSignal signal, ProjectionLoopHealth health, IConfiguration configuration, ILogger<KafkaDelivery> logger)
    : BackgroundService
{
    private const string RelayLoop = "kafka-relay";
    private const string ConsumerLoop = "kafka-consumer";
    private static readonly TimeSpan RelayBudget = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(Hosting.EventSourcingSettings.Int(configuration, "Projections:PollMilliseconds", 250, min: 10));

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.Expect(RelayLoop);
        health.Expect(ConsumerLoop);
        consumer.Beat += error => health.Beat(ConsumerLoop, error);
        return Task.WhenAll(RelayAsync(stoppingToken), consumer.RunAsync(stoppingToken));
    }

    private async Task RelayAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var relayed = await relay.RunAsync(RelayBudget, PublishTimeout, ct: ct);
                health.Beat(RelayLoop);
                failures = 0;
                if (relayed == 0)
                {
                    await signal.WaitAsync(_poll, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The broker or the database away: the cursor stayed where the last confirmed batch left it.
                failures++;
                health.Beat(RelayLoop, ex.Message);
                logger.LogError(ex, "Kafka relay failed ({Failures} in a row); retrying", failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8)))), ct);
            }
        }
    }
}
