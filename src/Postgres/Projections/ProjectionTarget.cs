using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Where an apply writes: the live projection, or its rebuild's shadow copy.</summary>
/// <param name="CheckpointName">The name its per-stream checkpoints are kept under.</param>
/// <param name="Tables">Maps a read-model table to the copy written (null: the live tables).</param>
/// <param name="CursorSql">Advances the cursor only if nobody else moved it: $1 name, $2/$3 old tx/position, $4/$5 new, $6 events applied.</param>
/// <param name="HonourStop">Whether a stopped projection refuses the batch (a rebuild runs regardless).</param>
/// <param name="Include">Events the target applies; the others only advance its cursor (a rebuild's category/time filter).</param>
internal sealed record ProjectionTarget(string CheckpointName, Func<string, string>? Tables, string CursorSql, bool HonourStop, Func<EventEnvelope, bool>? Include = null)
{
    public static ProjectionTarget Live(IProjection projection) => new(
        projection.Name,
        null,
        "update es_projections set cursor_tx = $4, cursor_position = $5, updated_at = now() " +
        "where name = $1 and cursor_tx = $2 and cursor_position = $3",
        HonourStop: true);

    public static ProjectionTarget Rebuild(IProjection projection, RebuildFilter filter) => new(
        projection.Name + "#rebuild",
        ProjectionRebuilder.ShadowName,
        "update es_projection_rebuilds set cursor_tx = $4, cursor_position = $5, processed = processed + $6 " +
        "where name = $1 and cursor_tx = $2 and cursor_position = $3 and status = 'running'",
        HonourStop: false,
        filter.Includes);

    /// <summary>Whether <paramref name="projection"/>, writing to this target, takes <paramref name="e"/>.</summary>
    public bool Follows(IProjection projection, EventEnvelope e) => projection.Categories.Contains(e.Category) && (Include?.Invoke(e) ?? true);
}
