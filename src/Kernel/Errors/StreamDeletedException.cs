namespace Serverless.EventSourcing;

/// <summary>The stream was tombstoned; it accepts no more events.</summary>
public sealed class StreamDeletedException(string streamId)
    : EventSourcingException($"Stream {streamId} has been deleted")
{
    public string StreamId { get; } = streamId;
}
