using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing;

/// <summary>An optimistic-concurrency conflict. Nothing was written; <see cref="CurrentVersion"/> is what the stream holds.</summary>
public sealed class WrongExpectedVersionException(string streamId, ExpectedVersion expected, long currentVersion)
    : EventSourcingException($"Stream {streamId} is at version {currentVersion}, but {expected} was expected")
{
    public string StreamId { get; } = streamId;

    public ExpectedVersion Expected { get; } = expected;

    public long CurrentVersion { get; } = currentVersion;
}
