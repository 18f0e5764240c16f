using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Archive;

/// <summary>One event row as the archive keeps it: every column of <c>es_events</c>, data and metadata as raw JSON.</summary>
public sealed record ArchivedEvent(
    long Position,
    ulong TransactionId,
    Guid EventId,
    string StreamId,
    long Version,
    string Category,
    string Type,
    int SchemaVersion,
    string Data,
    string Metadata,
    string? CorrelationId,
    string? Principal,
    DateTimeOffset CreatedAt)
{
    public EventEnvelope ToEnvelope() => new(EventId, StreamId, Category, Type, Version, Position, Data, Metadata, SchemaVersion, CorrelationId, CreatedAt);

    public StoredEvent ToStored() => new(Type, Version, SchemaVersion, Data);
}
