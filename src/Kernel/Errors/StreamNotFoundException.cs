namespace Serverless.EventSourcing;

public sealed class StreamNotFoundException(string streamId)
    : ResourceNotFoundException($"Stream {streamId} does not exist")
{
    public string StreamId { get; } = streamId;
}
