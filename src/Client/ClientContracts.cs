using System.Text.Json;

namespace Serverless.EventSourcing.Client;

/// <summary>An event to append. Without <paramref name="EventId"/> the client makes one, so sending the same append again is recorded once.</summary>
public sealed record NewEvent(string Type, object Data, Guid? EventId = null, IReadOnlyDictionary<string, object?>? Metadata = null);

/// <summary>A recorded event, as every route and live message carries it.</summary>
public sealed record RecordedEvent(
    Guid EventId,
    string StreamId,
    string Category,
    string Type,
    long StreamVersion,
    long GlobalPosition,
    JsonElement Data,
    JsonElement Metadata,
    int SchemaVersion,
    string? CorrelationId,
    DateTimeOffset CreatedAt)
{
    /// <summary>The data as <typeparamref name="T"/> (camelCase JSON).</summary>
    public T DataAs<T>() => Data.Deserialize<T>(EventSourcingClient.Json)!;
}

/// <summary>An append's answer: the version to expect next, the events' global positions, and whether all were already recorded.</summary>
public sealed record AppendResult(string StreamId, long NextExpectedVersion, IReadOnlyList<long> Positions, bool Duplicate);

/// <summary>A page of a stream; <see cref="NextVersion"/> is where the next page starts, null on the last.</summary>
public sealed record StreamPage(string StreamId, long Version, string Direction, IReadOnlyList<RecordedEvent> Events, long? NextVersion);

/// <summary>A stream's metadata (GET streams/{streamId}).</summary>
/// <param name="Policy">The stream's own retention policy.</param>
/// <param name="EffectivePolicy">The policy in force: the stream's fields over its category's settings.</param>
/// <param name="ArchivedVersion">Events up to this version are in the archive (0: none); reads still return them.</param>
public sealed record StreamInfo(
    string StreamId,
    string Category,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Deleted,
    DateTimeOffset? DeletedAt,
    StreamPolicy Policy,
    StreamPolicy EffectivePolicy,
    long ArchivedVersion);

/// <summary>A retention policy: keep at most <paramref name="MaxCount"/> newest events, none older than <paramref name="MaxAgeSeconds"/>, none below <paramref name="TruncateBefore"/>; null does not limit.</summary>
public sealed record StreamPolicy(long? MaxCount = null, long? MaxAgeSeconds = null, long? TruncateBefore = null)
{
    public static StreamPolicy None { get; } = new();
}

/// <summary>A command's accepted outcome: the stream's version after it, and the events it recorded.</summary>
public sealed record CommandOutcome(string StreamId, long Version, IReadOnlyList<CommandEventInfo> Events, string? CommandId, bool Replayed);

public sealed record CommandEventInfo(Guid EventId, string Type, long Version);

/// <summary>An aggregate's state, now or as of a version or time.</summary>
public sealed record AggregateState<TState>(string Type, string Id, string StreamId, long Version, long? AsOfVersion, DateTimeOffset? AsOf, TState State);

/// <summary>A saga accepted: its id, where to follow it, and whether this call started it (false: an earlier one with the same Idempotency-Key did).</summary>
public sealed record SagaStarted(Guid SagaId, string Saga, string StatusUrl, bool Created);

/// <summary>A saga's status (<c>running</c>, <c>compensating</c>, <c>completed</c>, <c>compensated</c>, <c>failed_needs_attention</c>) and why.</summary>
public sealed record SagaStatus(Guid SagaId, string Saga, string Status, string? Reason, long Version)
{
    public bool IsFinished => Status is "completed" or "compensated" or "failed_needs_attention";
}

/// <summary>How a command is sent.</summary>
public sealed record CommandOptions
{
    /// <summary>The version the aggregate must be at (sent as If-Match): a mismatch is a <see cref="ConcurrencyConflictException"/>.</summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>Makes a retry safe: the same key answers the first result. The client sends a new one per call when this is null.</summary>
    public string? IdempotencyKey { get; init; }

    public string? CorrelationId { get; init; }
}
