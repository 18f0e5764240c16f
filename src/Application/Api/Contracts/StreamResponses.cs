using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Api.Contracts;

// The bodies the stream routes answer with. They are types (not anonymous objects) so the OpenAPI document takes its
// schemas from what the endpoints really write.

/// <summary>An append's answer: the version to expect next (also the ETag) and the events' global positions.</summary>
/// <param name="Duplicate">True when every event id was already recorded with the same content: nothing new was written (200, not 201).</param>
public sealed record AppendResponse(string StreamId, long NextExpectedVersion, IReadOnlyList<long> Positions, bool Duplicate);

/// <summary>A multi-stream append's answer: one entry per append, in request order.</summary>
public sealed record MultiStreamAppendResponse(IReadOnlyList<AppendResponse> Appends);

/// <summary>A page of one stream. <paramref name="NextVersion"/> is the <c>fromVersion</c> of the next page, null on the last.</summary>
/// <param name="Direction"><c>forward</c> or <c>backward</c>.</param>
public sealed record StreamPageResponse(string StreamId, long Version, string Direction, IReadOnlyList<EventEnvelope> Events, long? NextVersion);

/// <summary>A stream's metadata.</summary>
/// <param name="Policy">The stream's own retention policy (set with PUT streams/{streamId}/policy).</param>
/// <param name="EffectivePolicy">The policy in force: the stream's own fields over its category's settings.</param>
/// <param name="ArchivedVersion">Events up to this version are in the archive (0: none); every read still returns them.</param>
public sealed record StreamInfoResponse(
    string StreamId,
    string Category,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Deleted,
    DateTimeOffset? DeletedAt,
    StreamPolicyBody Policy,
    StreamPolicyBody EffectivePolicy,
    long ArchivedVersion);

/// <summary>
/// A retention policy, as KurrentDB defines its stream metadata: keep at most <paramref name="MaxCount"/> of the newest
/// events, none older than <paramref name="MaxAgeSeconds"/>, none below version <paramref name="TruncateBefore"/>. A null
/// field does not limit (in a stream's own policy: its category's setting applies). Also the body of PUT streams/{streamId}/policy.
/// </summary>
public sealed record StreamPolicyBody(long? MaxCount, long? MaxAgeSeconds, long? TruncateBefore)
{
    public static StreamPolicyBody From(Serverless.EventSourcing.Retention.StreamPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new(policy.MaxCount, policy.MaxAge is { } age ? (long)age.TotalSeconds : null, policy.TruncateBefore);
    }
}

/// <summary>A stream's version (also the ETag).</summary>
public sealed record StreamVersionResponse(string StreamId, long Version, bool Deleted);

/// <summary>A tombstoned stream: its final version and when it was deleted.</summary>
public sealed record StreamDeletedResponse(string StreamId, long Version, DateTimeOffset? DeletedAt);

/// <summary>A page of the log by global position. <paramref name="NextAfterPosition"/> is the <c>afterPosition</c> of the next page, null on the last.</summary>
public sealed record EventPageResponse(IReadOnlyList<EventEnvelope> Events, long? NextAfterPosition);
