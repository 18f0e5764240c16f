using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Postgres.Projections;

public sealed record ProjectionOptions
{
    /// <summary>Tries per event before it is parked (each try after the first waits twice as long).</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Log events per catch-up transaction. Larger batches write each stream's checkpoint once per batch
    /// instead of once per event run: measured 17.6k events/s at 5,000 and 20.9k at 10,000 (the read limit).
    /// </summary>
    public int BatchSize { get; init; } = 10_000;
}

/// <summary>Where an apply writes: the live projection, or its rebuild's shadow copy.</summary>
/// <param name="CursorSql">Advances the cursor only if nobody else moved it: $1 name, $2/$3 old tx/position, $4/$5 new, $6 count.</param>
/// <param name="Include">Events the target applies; the others only advance its cursor (a rebuild's category/time filter).</param>
internal sealed record ProjectionTarget(string CheckpointName, Func<string, string>? Tables, string CursorSql, bool HonourStop, Func<EventEnvelope, bool>? Include = null)
{
    public static ProjectionTarget Live(Serverless.EventSourcing.Projections.IProjection projection) => new(
        projection.Name,
        null,
        "update es_projections set cursor_tx = $4, cursor_position = $5, updated_at = now() " +
        "where name = $1 and cursor_tx = $2 and cursor_position = $3",
        HonourStop: true);

    public static ProjectionTarget Rebuild(Serverless.EventSourcing.Projections.IProjection projection, RebuildFilter filter) => new(
        projection.Name + "#rebuild",
        ProjectionRebuilder.ShadowName,
        "update es_projections set rebuild_cursor_tx = $4, rebuild_cursor_position = $5, rebuild_processed = rebuild_processed + $6 " +
        "where name = $1 and rebuild_cursor_tx = $2 and rebuild_cursor_position = $3 and rebuild_status = 'running'",
        HonourStop: false,
        filter.Includes);
}

/// <summary>What a rebuild replays: the whole log, or only a category and/or a time range of it.</summary>
public sealed record RebuildFilter(string? Category = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public static RebuildFilter All { get; } = new();

    public bool Includes(EventEnvelope e) =>
        (Category is null || e.Category == Category) && (From is null || e.CreatedAt >= From) && (To is null || e.CreatedAt <= To);
}

/// <param name="Stopped">The projection is stopped (now or already): nothing past <see cref="Reached"/> was applied.</param>
/// <param name="Lost">Another runner moved the cursor first; this apply was rolled back.</param>
public sealed record ApplyOutcome(int Applied, int Parked, bool Stopped, bool Lost);
