namespace Serverless.EventSourcing;

public sealed class StreamNotFoundException(string streamId)
    : EventSourcingException($"Stream {streamId} does not exist")
{
    public string StreamId { get; } = streamId;
}
