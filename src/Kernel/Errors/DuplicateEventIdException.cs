namespace Serverless.EventSourcing;

/// <summary>
/// Some event ids of an append already exist, but not as an exact repeat of an earlier append to
/// the same stream at the same position, so the append cannot be treated as an idempotent retry.
/// </summary>
public sealed class DuplicateEventIdException(string streamId, long currentVersion)
    : EventSourcingException($"Some event ids of this append to {streamId} were already used elsewhere (stream is at version {currentVersion})")
{
    public string StreamId { get; } = streamId;

    public long CurrentVersion { get; } = currentVersion;
}
