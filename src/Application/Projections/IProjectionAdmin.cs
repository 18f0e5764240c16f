namespace Serverless.EventSourcing.Application.Projections;

/// <summary>Projection status, rebuilds and parked events, as the routes need them (implemented over PostgreSQL by the hosting layer).</summary>
public interface IProjectionAdmin
{
    IReadOnlyCollection<string> Names { get; }

    Task<IReadOnlyList<object>> StatusAsync(string? name, CancellationToken ct);

    /// <summary>Rebuilds from the whole log, or only a category and/or a time range of it; false when a rebuild is already running.</summary>
    Task<bool> StartRebuildAsync(string name, string? category, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct);

    /// <summary>The first <paramref name="limit"/> events parked for the projection, oldest first.</summary>
    Task<IReadOnlyList<object>> ParkedAsync(string name, int limit, CancellationToken ct);

    Task<ParkedRetry> RetryParkedAsync(string name, long id, CancellationToken ct);

    /// <summary>Gives up on a parked event (recorded with who and why); the projection moves on and reports divergence.</summary>
    Task<ParkedRetry> SkipParkedAsync(string name, long id, string by, string reason, CancellationToken ct);

    /// <summary>Append transactions open past the alert threshold, which every log reader is waiting for.</summary>
    Task<IReadOnlyList<object>> WaitingOnAsync(CancellationToken ct);
}

public enum ParkedRetry
{
    Applied,
    FailedAgain,
    NotFound,
}
