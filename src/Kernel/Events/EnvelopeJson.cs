using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Events;

/// <summary>
/// The one JSON shape of a recorded event, wherever it travels: API responses, Kafka message values and parked events.
/// <c>eventId</c>, <c>streamId</c>, <c>category</c>, <c>type</c>, <c>streamVersion</c>, <c>globalPosition</c>, <c>data</c> and
/// <c>metadata</c> (the stored JSON, embedded as JSON values), <c>schemaVersion</c>, <c>correlationId</c> (absent when the
/// event has none) and <c>createdAt</c> (ISO 8601 with offset).
/// </summary>
public static class EnvelopeJson
{
    /// <exception cref="FormatException">The event's data or metadata is not one JSON value.</exception>
    public static void Write(Utf8JsonWriter writer, EventEnvelope e)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(e);
        writer.WriteStartObject();
        writer.WriteString("eventId", e.EventId);
        writer.WriteString("streamId", e.StreamId);
        writer.WriteString("category", e.Category);
        writer.WriteString("type", e.Type);
        writer.WriteNumber("streamVersion", e.StreamVersion);
        writer.WriteNumber("globalPosition", e.GlobalPosition);
        WriteRaw(writer, "data", e.Data, e);
        WriteRaw(writer, "metadata", e.MetadataJson, e);
        writer.WriteNumber("schemaVersion", e.SchemaVersion);
        if (e.CorrelationId is not null)
        {
            writer.WriteString("correlationId", e.CorrelationId);
        }

        writer.WriteString("createdAt", e.CreatedAt);
        writer.WriteEndObject();
    }

    public static string ToJson(EventEnvelope e)
    {
        using var buffer = new MemoryStream(256 + (e?.Data.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, e!);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="FormatException">It is not an envelope; the message names the field that is wrong.</exception>
    public static EventEnvelope Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"an event envelope is a JSON object, not {root.ValueKind}");
        }

        return new EventEnvelope(
            EventId: Field(root, "eventId", JsonValueKind.String, p => p.GetGuid()),
            StreamId: Field(root, "streamId", JsonValueKind.String, p => p.GetString()!),
            Category: Field(root, "category", JsonValueKind.String, p => p.GetString()!),
            Type: Field(root, "type", JsonValueKind.String, p => p.GetString()!),
            StreamVersion: Field(root, "streamVersion", JsonValueKind.Number, p => p.GetInt64()),
            GlobalPosition: Field(root, "globalPosition", JsonValueKind.Number, p => p.GetInt64()),
            Data: Raw(root, "data"),
            MetadataJson: Raw(root, "metadata"),
            SchemaVersion: Field(root, "schemaVersion", JsonValueKind.Number, p => p.GetInt32()),
            CorrelationId: root.TryGetProperty("correlationId", out var correlation) && correlation.ValueKind != JsonValueKind.Null
                ? Field(root, "correlationId", JsonValueKind.String, p => p.GetString())
                : null,
            CreatedAt: Field(root, "createdAt", JsonValueKind.String, p => p.GetDateTimeOffset()));
    }

    public static EventEnvelope Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"invalid JSON: {ex.Message}", ex);
        }
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, string json, EventEnvelope e)
    {
        writer.WritePropertyName(name);
        try
        {
            writer.WriteRawValue(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Event {e.EventId} ({e.StreamId} version {e.StreamVersion}) has {name} that is not one JSON value: {ex.Message}", ex);
        }
    }

    private static T Field<T>(JsonElement root, string name, JsonValueKind kind, Func<JsonElement, T> read)
    {
        if (!root.TryGetProperty(name, out var property))
        {
            throw new FormatException($"field '{name}' is missing");
        }

        if (property.ValueKind != kind)
        {
            throw new FormatException($"field '{name}' is {property.ValueKind}, expected {kind}");
        }

        try
        {
            return read(property);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"field '{name}' has an invalid value {property.GetRawText()}", ex);
        }
    }

    private static string Raw(JsonElement root, string name) =>
        root.TryGetProperty(name, out var property) ? property.GetRawText() : throw new FormatException($"field '{name}' is missing");
}

/// <summary>Serializes envelopes in the <see cref="EnvelopeJson"/> shape wherever System.Text.Json meets one.</summary>
public sealed class EventEnvelopeJsonConverter : JsonConverter<EventEnvelope>
{
    public override EventEnvelope Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return EnvelopeJson.Read(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, EventEnvelope value, JsonSerializerOptions options) => EnvelopeJson.Write(writer, value);
}
