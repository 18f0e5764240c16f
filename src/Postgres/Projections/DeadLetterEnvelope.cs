using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>The envelope as stored with a parked event, and back.</summary>
internal static class DeadLetterEnvelope
{
    public static string Serialize(EventEnvelope e) => JsonSerializer.Serialize(new Stored(
        e.EventId, e.StreamId, e.Category, e.Type, e.StreamVersion, e.GlobalPosition, e.Data, e.MetadataJson, e.SchemaVersion, e.CorrelationId, e.CreatedAt), EventJson.Options);

    public static EventEnvelope Deserialize(string json)
    {
        var s = JsonSerializer.Deserialize<Stored>(json, EventJson.Options)!;
        return new EventEnvelope(s.EventId, s.StreamId, s.Category, s.Type, s.StreamVersion, s.GlobalPosition, s.Data, s.Metadata, s.SchemaVersion, s.CorrelationId, s.CreatedAt);
    }

    private sealed record Stored(Guid EventId, string StreamId, string Category, string Type, long StreamVersion, long GlobalPosition, string Data, string Metadata, int SchemaVersion, string? CorrelationId, DateTimeOffset CreatedAt);
}
