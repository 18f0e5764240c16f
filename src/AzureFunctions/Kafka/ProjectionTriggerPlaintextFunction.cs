using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Application.Messaging;

namespace Serverless.EventSourcing.Functions.Kafka;

/// <summary>
/// <see cref="ProjectionTriggerFunction"/> for a plaintext broker (<c>infra/compose.yaml</c> under <c>func start</c>).
/// Disabled in Azure (<c>AzureWebJobs.ProjectEventsPlaintext.Disabled</c>); the SASL one is disabled locally.
/// </summary>
public sealed class ProjectionTriggerPlaintextFunction(KafkaBatchHandler handler)
{
    [Function(nameof(ProjectEventsPlaintext))]
    [ExponentialBackoffRetry(-1, "00:00:02", "00:05:00")]
    public Task ProjectEventsPlaintext(
        [KafkaTrigger("%Kafka:BootstrapServers%", "%Kafka:EventsTopic%", ConsumerGroup = "%Kafka:ConsumerGroup%", IsBatched = true)] string[] events,
        CancellationToken ct) =>
        handler.HandleAsync(events, ct);
}
