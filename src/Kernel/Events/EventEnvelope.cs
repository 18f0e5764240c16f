namespace Serverless.EventSourcing.Events;

/// <summary>
/// An event as recorded by the store. Data and metadata stay raw JSON so readers that only route
/// or forward events never pay for deserializing them.
/// </summary>
public sealed record EventEnvelope(
    Guid EventId,
    string StreamId,
    string Category,
    string Type,
    long StreamVersion,
    long GlobalPosition,
    string Data,
    string MetadataJson,
    int SchemaVersion,
    string? CorrelationId,
    DateTimeOffset CreatedAt)
{
    private EventMetadata? _metadata;

    public EventMetadata Metadata => _metadata ??= EventMetadata.FromJson(MetadataJson);
}
