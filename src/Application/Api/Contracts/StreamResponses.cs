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
public sealed record StreamInfoResponse(string StreamId, string Category, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Deleted, DateTimeOffset? DeletedAt);

/// <summary>A stream's version (also the ETag).</summary>
public sealed record StreamVersionResponse(string StreamId, long Version, bool Deleted);

/// <summary>A tombstoned stream: its final version and when it was deleted.</summary>
public sealed record StreamDeletedResponse(string StreamId, long Version, DateTimeOffset? DeletedAt);

/// <summary>A page of the log by global position. <paramref name="NextAfterPosition"/> is the <c>afterPosition</c> of the next page, null on the last.</summary>
public sealed record EventPageResponse(IReadOnlyList<EventEnvelope> Events, long? NextAfterPosition);
