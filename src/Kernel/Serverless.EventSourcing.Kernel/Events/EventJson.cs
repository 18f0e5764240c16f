using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Events;

/// <summary>The one JSON configuration used for event data, metadata and snapshots.</summary>
public static class EventJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>True when <paramref name="json"/> is one complete JSON value.</summary>
    public static bool IsValid(string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
