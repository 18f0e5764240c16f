namespace Serverless.EventSourcing.Store;

/// <summary>A filter over the log; every criterion is optional and they combine with AND.</summary>
public sealed record EventQuery
{
    public const int MaxLimit = ReadLimits.MaxPage;

    public string? StreamId { get; init; }

    public string? Category { get; init; }

    /// <summary>Events of these types; null or empty for every type (the HTTP routes refuse an empty list as a mistake).</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>Events written by this principal (<c>metadata.principal.id</c>).</summary>
    public string? Principal { get; init; }

    /// <summary>Only what the reader may see; null for everything.</summary>
    public Visibility? Visible { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public long? FromVersion { get; init; }

    public long? ToVersion { get; init; }

    public long AfterPosition { get; init; }

    public int Limit { get; init; } = 100;
}

/// <param name="NextAfterPosition">Pass as <see cref="EventQuery.AfterPosition"/> for the next page; null when this page was the last.</param>
public sealed record QueryPage(IReadOnlyList<Events.EventEnvelope> Events, long? NextAfterPosition);
