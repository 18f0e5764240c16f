using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>Response JSON: camelCase, enums as snake_case strings, events in the one envelope shape, and nulls written (a null continuation means "last page").</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new EventEnvelopeJsonConverter() },
    };
}
