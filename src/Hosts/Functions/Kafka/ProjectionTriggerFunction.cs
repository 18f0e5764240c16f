using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Functions.Kafka;

/// <summary>
/// Hands batches from the events topic to the projection dispatcher (idempotent, heals gaps from the store).
/// A failure (a stopped projection, a message that is not an envelope, the database away) fails the batch:
/// the retry policy retries it forever with backoff, so the partition waits instead of skipping an event,
/// and host.json keeps <c>commitOnFailure: false</c> so nothing is committed past it either.
/// <para>
/// Protocol and AuthenticationMode are enums on the attribute and cannot come from settings
/// (azure-functions-dotnet-worker #883, azure-functions-kafka-extension #348/#465), so they are fixed to the
/// Azure broker, Event Hubs: SASL_SSL with PLAIN, user <c>$ConnectionString</c> and the namespace connection
/// string as password, both from settings. A plaintext local broker cannot feed this trigger; the local host
/// drives the same dispatcher from the Postgres log instead.
/// </para>
/// </summary>
public sealed class ProjectionTriggerFunction(ProjectionDispatcher dispatcher)
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
        dispatcher.DispatchAsync(KafkaEnvelopeCodec.DecodeTriggerBatch(events), ct);
}
