using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Messaging;

/// <summary>
/// The body of both hosts' Kafka consumers (the Functions KafkaTrigger and the local consumer group), for a batch in
/// the shape the trigger hands over: one Kafka extension <c>KafkaEventData</c> JSON per message.
/// <para>
/// A message that is not an event envelope will never become one: it is parked (once per topic/partition/offset) and
/// the rest of the batch goes on, so one bad message cannot block its partition. Anything else that fails (the
/// database away, a projection stopped on a parked event) throws: the batch is not acknowledged and comes again,
/// so nothing is skipped. Events that a projection cannot apply are parked per projection by the dispatcher.
/// </para>
/// </summary>
public sealed class KafkaBatchHandler(IProjectionDispatcher dispatcher, IParkedMessages parked, ILogger<KafkaBatchHandler> logger)
{
    public async Task HandleAsync(string[] kafkaEventDataJson, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kafkaEventDataJson);
        var envelopes = new List<EventEnvelope>(kafkaEventDataJson.Length);
        for (var i = 0; i < kafkaEventDataJson.Length; i++)
        {
            var message = kafkaEventDataJson[i] ?? "";
            try
            {
                envelopes.Add(KafkaEnvelopeCodec.DecodeTriggerMessage(message, i));
            }
            catch (FormatException ex)
            {
                var source = SourceOf(message);
                logger.LogWarning("Parked Kafka message {Source}: {Error}", source, ex.Message);
                await parked.ParkAsync(new ParkedMessage(source, message, ex.Message), ct);
            }
        }

        if (envelopes.Count > 0)
        {
            await dispatcher.DispatchAsync(envelopes, ct);
        }
    }

    /// <summary><c>topic/partition/offset</c> when the message says; otherwise a hash of it, so a redelivery parks nothing twice.</summary>
    private static string SourceOf(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("Topic", out var topic) && root.TryGetProperty("Partition", out var partition) && root.TryGetProperty("Offset", out var offset))
            {
                return $"{topic}/{partition.GetRawText()}/{offset.GetRawText()}";
            }
        }
        catch (JsonException)
        {
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message)));
    }
}
