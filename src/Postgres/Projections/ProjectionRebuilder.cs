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
            "insert into es_projection_rebuilds as r (name, status, total, category, from_time, to_time) " +
            "select $1, 'running', (select count(*) from es_events where category = any($2) and ($3::text is null or category = $3) " +
            "  and ($4::timestamptz is null or created_at >= $4) and ($5::timestamptz is null or created_at <= $5)) " +
            // Archived events count by whole segment (progress only: a time filter may take part of one).
            "  + (select coalesce(sum(event_count), 0) from es_archive_segments where category = any($2) and ($3::text is null or category = $3) " +
            "  and ($4::timestamptz is null or last_created_at >= $4) and ($5::timestamptz is null or first_created_at <= $5)), $3, $4, $5 " +
            "on conflict (name) do update set status = 'running', cursor_tx = '0', cursor_position = 0, processed = 0, total = excluded.total, " +
            "  category = excluded.category, from_time = excluded.from_time, to_time = excluded.to_time, started_at = now(), finished_at = null, error = null " +
            "  where r.status <> 'running' returning name",
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
            // At least one batch per step, however short the budget.
            do
            {
                var (status, cursor, filter) = await ReadRebuildCursorAsync(name, ct);
                if (status != "running")
                {
                    return false;
                }

                var slice = await store.ReadLogAsync(cursor, options.BatchSize, ct);
                if (slice.Events.Count > 0)
                {
                    await dispatcher.ApplyRebuildSliceAsync(projection, filter, slice, cursor, ct);
                }

                // A short slice means the rebuild reached the end of the log as it stood: swap now, catching up under the
                // swap's lock whatever writers added meanwhile (waiting for an empty read never ends while they write).
                if (slice.Events.Count < options.BatchSize)
                {
                    return !await SwapAsync(projection, ct);
                }
            }
            while (DateTime.UtcNow < deadline);

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && PostgresFailures.IsTransient(ex))
        {
            // A deadlock, a serialization failure or a lost connection: the step rolled back; the next one retries it.
            logger.LogWarning(ex, "Rebuild step of {Projection} hit a transient failure; it will be retried", name);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Rebuild of {Projection} failed", name);
            await using var command = dataSource.CreateCommand("update es_projection_rebuilds set status = 'failed', error = $2, finished_at = now() where name = $1");
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(ex.Message);
            await command.ExecuteNonQueryAsync(ct);
            return false;
        }
    }

    /// <summary>Steps every running rebuild within <paramref name="budget"/> each; what both hosts' drivers call.</summary>
    /// <returns>How many rebuilds still have work.</returns>
    public async Task<int> StepRunningAsync(TimeSpan budget, CancellationToken ct = default)
    {
        var unfinished = 0;
        foreach (var name in await RunningAsync(ct))
        {
            unfinished += await StepAsync(name, budget, ct) ? 1 : 0;
        }

        return unfinished;
    }

    /// <summary>Names of projections with a rebuild in progress.</summary>
    public async Task<IReadOnlyList<string>> RunningAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("select name from es_projection_rebuilds where status = 'running'");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Batches a swap applies while holding live applies back; past this, writers outpace it and it steps on instead.</summary>
    private const int MaxBatchesUnderSwapLock = 20;

    /// <summary>
    /// Under the projection's exclusive lock (applies in flight finish first, new ones wait): applies whatever became
    /// visible since the last step to the shadow, in the same transaction, then swaps the tables and the checkpoints
    /// in. Catching up under the lock is what makes a rebuild finish while writers keep appending.
    /// </summary>
    /// <returns>False when the writers were too fast this time; the next step tries again.</returns>
    private async Task<bool> SwapAsync(IProjection projection, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ProjectionLocks.EnterSwapAsync(connection, tx, projection.Name, ct);
        var (status, cursor, filter) = await ReadRebuildCursorAsync(projection.Name, ct, connection, tx);
        if (status != "running")
        {
            return true;
        }

        for (var batches = 0; ; batches++)
        {
            var slice = await store.ReadLogAsync(cursor, options.BatchSize, ct);
            if (slice.Events.Count == 0)
            {
                break;
            }

            if (batches == MaxBatchesUnderSwapLock)
            {
                await tx.RollbackAsync(ct);
                return false;
            }

            ApplyOutcome outcome;
            try
            {
                outcome = await dispatcher.ApplyRebuildSliceWithinAsync(connection, tx, projection, filter, slice, cursor, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !PostgresFailures.IsTransient(ex))
            {
                // A poison event in the last stretch: apply it the careful way (which parks it), outside the lock.
                await tx.RollbackAsync(ct);
                await dispatcher.ApplyRebuildSliceAsync(projection, filter, slice, cursor, ct);
                return false;
            }

            if (outcome.Lost)
            {
                await tx.RollbackAsync(ct);
                return false;
            }

            cursor = slice.Next;
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
            "update es_projections p set " +
            "cursor_tx = case when (r.cursor_tx, r.cursor_position) > (p.cursor_tx, p.cursor_position) then r.cursor_tx else p.cursor_tx end, " +
            "cursor_position = case when (r.cursor_tx, r.cursor_position) > (p.cursor_tx, p.cursor_position) then r.cursor_position else p.cursor_position end, " +
            "updated_at = now() from es_projection_rebuilds r where p.name = $1 and r.name = $1", ct, projection.Name);
        // Events appended during the rebuild were counted as they were applied: the total is what was processed.
        await connection.ExecuteAsync(tx,
            "update es_projection_rebuilds set status = 'completed', finished_at = now(), total = processed where name = $1", ct, projection.Name);
        await tx.CommitAsync(ct);
        logger.LogInformation("Rebuild of {Projection} swapped in", projection.Name);
        return true;
    }

    private async Task<(string Status, LogCursor Cursor, RebuildFilter Filter)> ReadRebuildCursorAsync(
        string name, CancellationToken ct, NpgsqlConnection? connection = null, NpgsqlTransaction? tx = null)
    {
        const string Sql = "select status, cursor_tx, cursor_position, category, from_time, to_time from es_projection_rebuilds where name = $1";
        await using var command = connection is null ? dataSource.CreateCommand(Sql) : new NpgsqlCommand(Sql, connection, tx);
        command.Parameters.AddWithValue(name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return ("", default, RebuildFilter.All);
        }

        var filter = new RebuildFilter(
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        return (reader.GetString(0), new LogCursor(reader.GetFieldValue<ulong>(1), reader.GetInt64(2)), filter);
    }
}
