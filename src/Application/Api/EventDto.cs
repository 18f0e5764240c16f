using System.Text.Json.Serialization;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>An event as the API returns it.</summary>
public sealed record EventDto(
    Guid EventId,
    string StreamId,
    string Type,
    long StreamVersion,
    long GlobalPosition,
    [property: JsonConverter(typeof(RawJsonConverter))] string Data,
    [property: JsonConverter(typeof(RawJsonConverter))] string Metadata,
    DateTimeOffset CreatedAt)
{
    public static EventDto From(EventEnvelope e) =>
        new(e.EventId, e.StreamId, e.Type, e.StreamVersion, e.GlobalPosition, e.Data, e.MetadataJson, e.CreatedAt);
}
