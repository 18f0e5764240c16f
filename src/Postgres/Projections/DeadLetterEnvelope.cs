using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>The envelope as stored with a parked event (the one envelope shape, <see cref="EnvelopeJson"/>), and back.</summary>
internal static class DeadLetterEnvelope
{
    public static string Serialize(EventEnvelope e) => EnvelopeJson.ToJson(e);

    public static EventEnvelope Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // Parked before the shapes were one: data and metadata were JSON text inside strings (metadata is always an object now).
        return root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.String
            ? EnvelopeJson.Read(root) with { Data = root.GetProperty("data").GetString()!, MetadataJson = metadata.GetString()! }
            : EnvelopeJson.Read(root);
    }
}
