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

    /// <summary>
    /// Reads a request body (command, saga input, filter) into <typeparamref name="T"/>; a body that is not an
    /// object, or a field of the wrong type, is an <see cref="InvalidInputException"/> naming the field.
    /// </summary>
    public static T ReadInput<T>(JsonElement body)
        where T : class
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException("body", "a JSON object is required");
        }

        try
        {
            return body.Deserialize<T>(Options) ?? throw new InvalidInputException("body", "a JSON object is required");
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'), "has the wrong type or shape");
        }
    }
}
