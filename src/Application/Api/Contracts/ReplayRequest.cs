namespace Serverless.EventSourcing.Application.Api.Contracts;

/// <summary>The body of <c>POST /api/replay</c>: a filter over the log (one stream, or a category and types, a time window), paged by position.</summary>
public sealed record ReplayRequest(
    string? StreamId,
    string? Category,
    IReadOnlyList<string>? EventTypes,
    DateTimeOffset? FromTimestamp,
    DateTimeOffset? ToTimestamp,
    long? FromVersion,
    long? ToVersion,
    long? AfterPosition,
    int? Limit);
