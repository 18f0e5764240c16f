using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>What a rebuild replays: the whole log, or only a category and/or a time range of it.</summary>
public sealed record RebuildFilter(string? Category = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public static RebuildFilter All { get; } = new();

    public bool Includes(EventEnvelope e) =>
        (Category is null || e.Category == Category) && (From is null || e.CreatedAt >= From) && (To is null || e.CreatedAt <= To);
}
