namespace Serverless.EventSourcing.Events;

/// <summary>An event about to be appended. <see cref="Data"/> is a JSON document.</summary>
/// <param name="EventId">Client-chosen id; re-sending the same id makes a retried append idempotent.</param>
public sealed record EventData(Guid EventId, string Type, string Data, EventMetadata Metadata)
{
    /// <summary>
    /// The data subjects whose keys encrypted personal fields of <see cref="Data"/> (set by the <see cref="IEventProtector"/>):
    /// the store commits the event only while every one of those keys still exists. Not stored with the event.
    /// </summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    public EventData(string type, string data, EventMetadata? metadata = null)
        : this(Guid.CreateVersion7(), type, data, metadata ?? EventMetadata.Empty)
    {
    }
}
