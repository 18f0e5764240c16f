using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Application.Messaging;

namespace Serverless.EventSourcing.Functions.Kafka;

/// <summary>
/// Batches from the events topic (Event Hubs' Kafka endpoint) to <see cref="KafkaBatchHandler"/>, the code the local
/// consumer group runs too: a message that is not an envelope is parked and the partition moves on; an outage or a
/// stopped projection fails the batch, which the retry policy retries with backoff and host.json keeps uncommitted
/// (<c>commitOnFailure: false</c>), so nothing is skipped.
/// <para>
/// Protocol and AuthenticationMode are attribute enums, not settings, so this trigger is fixed to SASL_SSL/PLAIN (user
/// <c>$ConnectionString</c>); <see cref="ProjectionTriggerPlaintextFunction"/> serves a plaintext broker for
/// <c>func start</c>. Each is switched off where it does not apply with <c>AzureWebJobs.&lt;name&gt;.Disabled</c>.
/// </para>
/// </summary>
public sealed class ProjectionTriggerFunction(KafkaBatchHandler handler)
{
    [Function(nameof(ProjectEvents))]
    [ExponentialBackoffRetry(-1, "00:00:02", "00:05:00")]
    public Task ProjectEvents(
        [KafkaTrigger(
            "%Kafka:BootstrapServers%",
            "%Kafka:EventsTopic%",
            ConsumerGroup = "%Kafka:ConsumerGroup%",
            Protocol = BrokerProtocol.SaslSsl,
            AuthenticationMode = BrokerAuthenticationMode.Plain,
            Username = "%Kafka:SaslUsername%",
            Password = "%Kafka:SaslPassword%",
            IsBatched = true)] string[] events,
        CancellationToken ct) =>
        handler.HandleAsync(events, ct);
}
