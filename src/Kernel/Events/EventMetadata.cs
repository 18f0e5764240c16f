using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Events;

/// <summary>Who and what caused an event. Stored as JSON next to the event data.</summary>
public sealed record EventMetadata
{
    public static EventMetadata Empty { get; } = new();

    [JsonPropertyName("correlationId")]
    public string? CorrelationId { get; init; }

    [JsonPropertyName("causationId")]
    public string? CausationId { get; init; }

    [JsonPropertyName("userId")]
    public string? UserId { get; init; }

    /// <summary>Who was authenticated when the event was written; set by the server, never taken from a caller.</summary>
    [JsonPropertyName("principal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Security.PrincipalRecord? Principal { get; init; }

    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Anything else a client attached; kept as given.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, EventJson.Options);

    public static EventMetadata FromJson(string json) =>
        JsonSerializer.Deserialize<EventMetadata>(json, EventJson.Options) ?? Empty;
}
