using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>
/// Rebuilds a projection into shadow copies of its tables (<c>&lt;table&gt;__rebuild</c>) while the live
/// projection keeps running untouched, then swaps them in atomically. Chosen over "reset and block"
/// because readers never see a half-built model and live updates never pause. Work is done in bounded
/// steps with durable progress, so any host (a background loop, a timer) can drive it and a crash
/// resumes where it stopped.
/// </summary>
public sealed class ProjectionRebuilder(
    NpgsqlDataSource dataSource, IEventStore store, ProjectionDispatcher dispatcher, ProjectionOptions options, ILogger<ProjectionRebuilder> logger)
{
    public static string ShadowName(string table) => table + "__rebuild";

    /// <summary>Starts a rebuild of the whole log, or of <paramref name="filter"/>'s part of it; false when one is already running.</summary>
    public async Task<bool> StartAsync(string name, RebuildFilter? filter = null, CancellationToken ct = default)
    {
        var projection = dispatcher.Find(name);
        filter ??= RebuildFilter.All;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var started = await connection.ScalarAsync<string>(tx,
            "update es_projections set rebuild_status = 'running', rebuild_cursor_tx = '0', rebuild_cursor_position = 0, rebuild_processed = 0, " +
            "rebuild_total = (select count(*) from es_events where category = any($2) and ($3::text is null or category = $3) " +
            "  and ($4::timestamptz is null or created_at >= $4) and ($5::timestamptz is null or created_at <= $5)), " +
            "rebuild_category = $3, rebuild_from = $4, rebuild_to = $5, rebuild_started_at = now(), rebuild_finished_at = null, rebuild_error = null " +
            "where name = $1 and rebuild_status is distinct from 'running' returning name",
            ct, name, projection.Categories.ToArray(), filter.Category, filter.From, filter.To);
        if (started is null)
        {
            return false;
        }

        foreach (var table in projection.Tables)
        {
            await connection.ExecuteAsync(tx, $"drop table if exists {ShadowName(table)}; create table {ShadowName(table)} (like {table} including all)", ct);
        }

        await connection.ExecuteAsync(tx, "delete from es_projection_checkpoints where projection = $1", ct, name + "#rebuild");
        await tx.CommitAsync(ct);
        logger.LogInformation("Rebuild of {Projection} started", name);
        return true;
    }

    /// <summary>Advances a running rebuild for at most <paramref name="budget"/>; swaps it in once caught up.</summary>
    /// <returns>True while the rebuild still has work.</returns>
    public async Task<bool> StepAsync(string name, TimeSpan budget, CancellationToken ct = default)
    {
        var projection = dispatcher.Find(name);
        var deadline = DateTime.UtcNow + budget;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var (status, cursor, filter) = await ReadRebuildCursorAsync(name, ct);
                if (status != "running")
                {
                    return false;
                }

                var slice = await store.ReadLogAsync(cursor, options.BatchSize, ct);
                if (slice.Events.Count == 0)
                {
                    await SwapAsync(projection, ct);
                    return false;
                }

                await dispatcher.ApplyRebuildSliceAsync(projection, filter, slice, cursor, ct);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Rebuild of {Projection} failed", name);
            await using var command = dataSource.CreateCommand("update es_projections set rebuild_status = 'failed', rebuild_error = $2, rebuild_finished_at = now() where name = $1");
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(ex.Message);
            await command.ExecuteNonQueryAsync(ct);
            return false;
        }
    }

    /// <summary>Names of projections with a rebuild in progress.</summary>
    public async Task<IReadOnlyList<string>> RunningAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("select name from es_projections where rebuild_status = 'running'");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task SwapAsync(IProjection projection, CancellationToken ct)
    {
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Blocks live applies (they hold FOR SHARE) only for the final check and the swap itself.
            await connection.ExecuteAsync(tx, "select 1 from es_projections where name = $1 for update", ct, projection.Name);
            var (status, cursor, filter) = await ReadRebuildCursorAsync(projection.Name, ct);
            if (status != "running")
            {
                return;
            }

            var slice = await store.ReadLogAsync(cursor, options.BatchSize, ct);
            if (slice.Events.Count > 0)
            {
                // More became visible since the last step: release the lock, apply it to the shadow, check again.
                await tx.RollbackAsync(ct);
                await dispatcher.ApplyRebuildSliceAsync(projection, filter, slice, cursor, ct);
                continue;
            }

            foreach (var table in projection.Tables)
            {
                await connection.ExecuteAsync(tx, $"drop table {table}; alter table {ShadowName(table)} rename to {table}", ct);
            }

            await connection.ExecuteAsync(tx, "delete from es_projection_checkpoints where projection = $1", ct, projection.Name);
            await connection.ExecuteAsync(tx,
                "update es_projection_checkpoints set projection = $1 where projection = $2", ct, projection.Name, projection.Name + "#rebuild");
            // The live cursor continues from whichever of the two got further.
            await connection.ExecuteAsync(tx,
                "update es_projections set rebuild_status = 'completed', rebuild_finished_at = now(), " +
                "cursor_tx = case when (rebuild_cursor_tx, rebuild_cursor_position) > (cursor_tx, cursor_position) then rebuild_cursor_tx else cursor_tx end, " +
                "cursor_position = case when (rebuild_cursor_tx, rebuild_cursor_position) > (cursor_tx, cursor_position) then rebuild_cursor_position else cursor_position end " +
                "where name = $1", ct, projection.Name);
            await tx.CommitAsync(ct);
            logger.LogInformation("Rebuild of {Projection} swapped in", projection.Name);
            return;
        }
    }

    private async Task<(string Status, LogCursor Cursor, RebuildFilter Filter)> ReadRebuildCursorAsync(string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select coalesce(rebuild_status, ''), rebuild_cursor_tx, rebuild_cursor_position, rebuild_category, rebuild_from, rebuild_to from es_projections where name = $1");
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var filter = new RebuildFilter(
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        return (reader.GetString(0), new LogCursor(reader.GetFieldValue<ulong>(1), reader.GetInt64(2)), filter);
    }
}
