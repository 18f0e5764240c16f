using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Messaging;

/// <summary>A Kafka record as the relay produces it: key, value and headers, all text.</summary>
/// <param name="Key">The stream id, so every event of a stream lands on one partition, in order.</param>
/// <param name="Value">The envelope as JSON (see <see cref="KafkaEnvelopeCodec"/>).</param>
/// <param name="Headers">Routing hints for consumers that do not parse the value; the value is authoritative.</param>
public sealed record KafkaMessage(string Key, string Value, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// The one shape events have on the Kafka topic, both ways, with no Kafka package: the relay's publisher
/// encodes envelopes with it and the batched KafkaTrigger decodes what the Functions host hands it.
/// <para>
/// The value is a JSON object: <c>eventId</c>, <c>streamId</c>, <c>category</c>, <c>type</c>,
/// <c>streamVersion</c>, <c>globalPosition</c>, <c>data</c> and <c>metadata</c> (the stored JSON, embedded as
/// JSON values, not strings), <c>schemaVersion</c>, <c>correlationId</c> (absent when the event has none) and
/// <c>createdAt</c> (ISO 8601 with offset).
/// </para>
/// </summary>
public static class KafkaEnvelopeCodec
{
    public const string TypeHeader = "es-type";
    public const string CorrelationIdHeader = "es-correlation-id";
    public const string EventIdHeader = "es-event-id";

    /// <summary>Key = stream id, value = the envelope JSON, headers = type, event id and (when present) correlation id.</summary>
    /// <exception cref="FormatException">The event's data or metadata is not one JSON value.</exception>
    public static KafkaMessage Encode(EventEnvelope e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var value = EnvelopeJson.ToJson(e);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TypeHeader] = e.Type,
            [EventIdHeader] = e.EventId.ToString("D"),
        };
        if (e.CorrelationId is not null)
        {
            headers[CorrelationIdHeader] = e.CorrelationId;
        }

        return new KafkaMessage(e.StreamId, value, headers);
    }

    /// <summary>The inverse of <see cref="Encode"/>'s value. Unknown properties are ignored.</summary>
    /// <exception cref="FormatException">The text is not an event envelope; the message names what is wrong.</exception>
    public static EventEnvelope Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return DecodeValue(value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Not an event envelope: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Decodes what the isolated worker hands a batched KafkaTrigger's <c>string[]</c> parameter. For string
    /// records the Kafka extension serializes each <c>KafkaEventData</c> (Newtonsoft, PascalCase): <c>Offset</c>,
    /// <c>Partition</c>, <c>Topic</c>, <c>Timestamp</c>, <c>Key</c>, <c>Value</c> (our envelope JSON, as a string)
    /// and <c>Headers</c> (<c>[{"Key": ..., "Value": base64}]</c>); that is the expected form. An entry that is a
    /// bare envelope object (no <c>Value</c>) is accepted too, in case a binding hands the raw value instead.
    /// Key and headers are not consulted: the value alone is authoritative.
    /// </summary>
    /// <exception cref="FormatException">
    /// An entry is empty or not an envelope. The message names its index in the batch and, when the entry says,
    /// its topic, partition and offset. The whole batch fails so the broker redelivers it: a poison message
    /// stops the partition rather than being skipped.
    /// </exception>
    public static IReadOnlyList<EventEnvelope> DecodeTriggerBatch(string[] kafkaEventDataJson)
    {
        ArgumentNullException.ThrowIfNull(kafkaEventDataJson);
        var envelopes = new EventEnvelope[kafkaEventDataJson.Length];
        for (var i = 0; i < kafkaEventDataJson.Length; i++)
        {
            envelopes[i] = DecodeTriggerMessage(kafkaEventDataJson[i], i);
        }

        return envelopes;
    }

    /// <summary>One message of a trigger batch (see <see cref="DecodeTriggerBatch"/>).</summary>
    /// <exception cref="FormatException">It is empty or not an envelope.</exception>
    public static EventEnvelope DecodeTriggerMessage(string? json, int index)
    {
        var where = $"message {index} of the batch";
        try
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                throw new FormatException("the message is empty");
            }

            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Value", out var value))
            {
                where = Describe(root, index);
                return value.ValueKind == JsonValueKind.String
                    ? DecodeValue(value.GetString()!)
                    : throw new FormatException($"its Value is {value.ValueKind}, not a string holding an event envelope");
            }

            return FromJson(root);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new FormatException($"Kafka {where} is not an event envelope: {ex.Message}", ex);
        }
    }

    private static string Describe(JsonElement kafkaEventData, int index)
    {
        var parts = new List<string>(3);
        if (kafkaEventData.TryGetProperty("Topic", out var topic) && topic.ValueKind == JsonValueKind.String)
        {
            parts.Add($"topic {topic.GetString()}");
        }

        if (kafkaEventData.TryGetProperty("Partition", out var partition) && partition.ValueKind == JsonValueKind.Number)
        {
            parts.Add($"partition {partition.GetRawText()}");
        }

        if (kafkaEventData.TryGetProperty("Offset", out var offset) && offset.ValueKind == JsonValueKind.Number)
        {
            parts.Add($"offset {offset.GetRawText()}");
        }

        return parts.Count == 0 ? $"message {index} of the batch" : $"message {index} of the batch ({string.Join(", ", parts)})";
    }

    private static EventEnvelope DecodeValue(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return FromJson(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"invalid JSON: {ex.Message}", ex);
        }
    }

    private static EventEnvelope FromJson(JsonElement root) => EnvelopeJson.Read(root);
}
