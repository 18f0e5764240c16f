using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Store;

public enum StreamStatus
{
    Ok,
    NotFound,
    Deleted,
}

/// <param name="NextVersion">Where the next page starts, or null at the end of the stream.</param>
public sealed record StreamSlice(string StreamId, StreamStatus Status, long Version, IReadOnlyList<EventEnvelope> Events, long? NextVersion);
