using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
    /// For event data a caller appends to an aggregate's stream: read as <see cref="Options"/> reads it, except that a
    /// non-nullable member must not be null, nor missing when it is a constructor parameter without a default, so
    /// nothing half-empty is written for the aggregate to fold. A nullable parameter may be missing: events are written
    /// with nulls left out. Stored events are read with <see cref="Options"/>, whatever wrote them.
    /// </summary>
    public static JsonSerializerOptions StrictOptions { get; } = new(Options)
    {
        RespectNullableAnnotations = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RequireNonNullableParameters } },
    };

    private static void RequireNonNullableParameters(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.AssociatedParameter is { HasDefaultValue: false, IsNullable: false })
            {
                property.IsRequired = true;
            }
        }
    }

    /// <summary>
    /// For request bodies: money APIs are strict. Numbers must be JSON numbers (the web default reads "10" as 10),
    /// a member the input type does not have is an error rather than ignored, and so is a member given twice.
    /// Raw event data is not read with these: it stays free-form JSON.
    /// </summary>
    public static JsonSerializerOptions InputOptions { get; } = new(Options)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>
    /// Reads a request body (command, saga input, filter) strictly (<see cref="InputOptions"/>) into
    /// <typeparamref name="T"/>; a body that is not an object, an unknown or repeated member, or a member of the wrong
    /// type is an <see cref="InvalidInputException"/> naming the field and what it must be.
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
            return body.Deserialize<T>(InputOptions) ?? throw new InvalidInputException("body", "a JSON object is required");
        }
        catch (JsonException ex)
        {
            throw InputErrors.Explain(typeof(T), InputOptions, body, ex);
        }
    }
}
