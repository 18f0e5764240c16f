using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Kafka;

/// <summary>
/// The relay's publisher in Azure: produces each envelope to <c>Kafka:EventsTopic</c>, keyed by stream id,
/// and returns only when the broker acknowledged every message of the batch (acks=all, idempotent producer),
/// so the relay moves its cursor only past events the topic holds. Any failed delivery throws.
/// The message shape lives in <see cref="KafkaEnvelopeCodec"/>; this class only maps settings and produces.
/// </summary>
public sealed class KafkaEventPublisher : IEventPublisher, IDisposable
{
    private readonly IProducer<string, string> _producer;
    private readonly string _topic;

    public KafkaEventPublisher(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _topic = Required(configuration, "Kafka:EventsTopic");
        _producer = new ProducerBuilder<string, string>(ProducerConfigFrom(configuration)).Build();
    }

    public async Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var deliveries = new Task<DeliveryResult<string, string>>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var encoded = KafkaEnvelopeCodec.Encode(events[i]);
            var headers = new Headers();
            foreach (var (key, value) in encoded.Headers)
            {
                headers.Add(key, Encoding.UTF8.GetBytes(value));
            }

            deliveries[i] = _producer.ProduceAsync(_topic, new Message<string, string> { Key = encoded.Key, Value = encoded.Value, Headers = headers }, ct);
        }

        // ProduceAsync completes when the broker acknowledged the message and throws ProduceException when it did not.
        await Task.WhenAll(deliveries);
    }

    public void Dispose() => _producer.Dispose();

    /// <summary>Settings only: SaslSsl + PLAIN for Event Hubs (user <c>$ConnectionString</c>), Plaintext for a local broker.</summary>
    private static ProducerConfig ProducerConfigFrom(IConfiguration configuration)
    {
        var protocol = Enum.Parse<SecurityProtocol>(configuration["Kafka:SecurityProtocol"] is { Length: > 0 } p ? p : nameof(SecurityProtocol.Plaintext), ignoreCase: true);
        var config = new ProducerConfig
        {
            BootstrapServers = Required(configuration, "Kafka:BootstrapServers"),
            SecurityProtocol = protocol,
            Acks = Acks.All,
            EnableIdempotence = true,
        };
        if (protocol is SecurityProtocol.SaslSsl or SecurityProtocol.SaslPlaintext)
        {
            config.SaslMechanism = SaslMechanism.Plain;
            config.SaslUsername = configuration["Kafka:SaslUsername"];
            config.SaslPassword = configuration["Kafka:SaslPassword"];
        }

        return config;
    }

    private static string Required(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Setting {key} ({key.Replace(":", "__", StringComparison.Ordinal)}) is required.");
}
