using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Kafka;

/// <summary>
/// Hands events to the topic right after the append that wrote them committed, so read models on Azure do not trail
/// by the relay's timer. Best effort by design: it never delays or fails the append (a bounded queue that drops when
/// full, errors only logged); the relay timer remains the path that guarantees delivery, and the repeats it sends
/// are skipped by the dispatcher.
/// </summary>
public sealed class KafkaFastPath(AppendSignal signal, IEventPublisher publisher, ILogger<KafkaFastPath> logger) : BackgroundService
{
    private readonly Channel<IReadOnlyList<EventEnvelope>> _queue = Channel.CreateBounded<IReadOnlyList<EventEnvelope>>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        signal.Committed += Enqueue;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        signal.Committed -= Enqueue;
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var events in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await publisher.PublishAsync(events, stoppingToken).WaitAsync(PublishTimeout, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Fast path could not publish {Count} events; the relay will", events.Count);
            }
        }
    }

    private void Enqueue(IReadOnlyList<EventEnvelope> events) => _queue.Writer.TryWrite(events);
}
