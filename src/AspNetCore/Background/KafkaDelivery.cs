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

    // A failed relay step (the broker or the database away) leaves the cursor where the last confirmed batch left it.
    private Task RelayAsync(CancellationToken ct) =>
        DeliveryLoop.RunAsync(RelayLoop, token => relay.RunAsync(RelayBudget, PublishTimeout, ct: token), health, signal, _poll, logger, ct);
}
