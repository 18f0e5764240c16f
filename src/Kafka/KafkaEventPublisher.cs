using System.Text;
using Confluent.Kafka;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Kafka;

/// <summary>
/// Produces envelopes to the events topic, keyed by stream id (so a stream's events share a partition, in order), and
/// returns only when the broker acknowledged every message of the batch (acks=all, idempotent producer): the relay
/// moves its cursor only past events the topic holds. Any failed delivery throws. One long-lived producer.
/// </summary>
public sealed class KafkaEventPublisher(KafkaSettings settings) : IEventPublisher, IDisposable
{
    private readonly IProducer<string, string> _producer = new ProducerBuilder<string, string>(settings.Producer()).Build();

    public async Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var deliveries = new Task<DeliveryResult<string, string>>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            deliveries[i] = _producer.ProduceAsync(settings.Topic, ToMessage(events[i]), ct);
        }

        // ProduceAsync completes when the broker acknowledged the message and throws ProduceException when it did not.
        await Task.WhenAll(deliveries);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    private static Message<string, string> ToMessage(EventEnvelope e)
    {
        var encoded = KafkaEnvelopeCodec.Encode(e);
        var headers = new Headers();
        foreach (var (key, value) in encoded.Headers)
        {
            headers.Add(key, Encoding.UTF8.GetBytes(value));
        }

        return new Message<string, string> { Key = encoded.Key, Value = encoded.Value, Headers = headers };
    }
}
