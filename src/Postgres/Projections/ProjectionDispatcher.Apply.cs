using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Projections;

public sealed partial class ProjectionDispatcher
{
    /// <param name="careful">Savepoint and retry each event, parking the ones that keep failing (slow path).</param>
    private async Task<ApplyOutcome> ApplyInTransactionAsync(
        IProjection projection, ProjectionTarget target, IReadOnlyList<EventEnvelope> batch, IReadOnlyList<LogCursor>? cursors, LogCursor from, bool careful, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Read models are derived and their checkpoints commit with them: if a crash loses this commit it
        // loses both, and the events are applied again. So no need to wait for the WAL flush.
        await connection.ExecuteAsync(tx, "set local synchronous_commit = off", ct);

        // FOR SHARE: a rebuild's final swap takes FOR UPDATE, so live applies and the swap never interleave.
        var status = await connection.ScalarAsync<string>(tx, "select status from es_projections where name = $1 for share", ct, projection.Name)
            ?? throw new InvalidOperationException($"Projection {projection.Name} is not registered.");
        if (target.HonourStop && status == "stopped")
        {
            return new ApplyOutcome(0, 0, Stopped: true, Lost: false);
        }

        bool Follows(EventEnvelope e) => projection.Categories.Contains(e.Category) && (target.Include?.Invoke(e) ?? true);
        var relevant = batch.Where(Follows).ToList();
        var checkpoints = await LoadCheckpointsAsync(connection, tx, target.CheckpointName, relevant.Select(e => e.StreamId).Distinct().ToArray(), ct);
        var session = new PostgresReadModelSession(connection, tx, deferWrites: !careful, target.Tables);
        var applied = 0;
        var parked = 0;
        var stopped = false;
        var reached = from;
        var reachedCount = 0;

        for (var i = 0; i < batch.Count && !stopped; i++)
        {
            var e = batch[i];
            if (Follows(e))
            {
                var last = checkpoints.GetValueOrDefault(e.StreamId);
                if (e.StreamVersion > last)
                {
                    // Healed events pass the same filter: a rebuild of a time range must not pull earlier versions back in.
                    var pending = e.StreamVersion > last + 1 ? [.. (await MissingAsync(e, last, ct)).Where(Follows), e] : new List<EventEnvelope> { e };
                    foreach (var next in pending)
                    {
                        var result = careful ? await ApplyCarefullyAsync(projection, next, session, connection, tx, ct) : await ApplyFastAsync(projection, next, session, ct);
                        if (result == EventResult.Stopped)
                        {
                            stopped = true;
                            break;
                        }

                        applied += result == EventResult.Applied ? 1 : 0;
                        parked += result == EventResult.Parked ? 1 : 0;
                        checkpoints[e.StreamId] = next.StreamVersion;
                    }
                }
            }

            if (!stopped && cursors is not null)
            {
                reached = cursors[i];
                reachedCount = i + 1;
            }
        }

        await session.FlushAsync(ct);
        await SaveCheckpointsAsync(connection, tx, target.CheckpointName, checkpoints, ct);
        if (cursors is not null && reachedCount > 0 && !await MoveCursorAsync(connection, tx, target, projection.Name, from, reached, reachedCount, ct))
        {
            await tx.RollbackAsync(ct);
            return new ApplyOutcome(0, 0, Stopped: false, Lost: true);
        }

        await tx.CommitAsync(ct);
        return new ApplyOutcome(applied, parked, stopped, Lost: false);
    }

    private enum EventResult
    {
        Skipped,
        Applied,
        Parked,
        Stopped,
    }

    private static async Task<EventResult> ApplyFastAsync(IProjection projection, EventEnvelope e, IReadModelSession session, CancellationToken ct)
    {
        if (!projection.EventTypes.Contains(e.Type))
        {
            return EventResult.Skipped;
        }

        await projection.ApplyAsync(e, session, ct);
        return EventResult.Applied;
    }

    private async Task<EventResult> ApplyCarefullyAsync(IProjection projection, EventEnvelope e, PostgresReadModelSession session, NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        if (!projection.EventTypes.Contains(e.Type))
        {
            return EventResult.Skipped;
        }

        Exception? error = null;
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            await tx.SaveAsync("event", ct);
            try
            {
                await projection.ApplyAsync(e, session, ct);
                await session.FlushAsync(ct);
                await tx.ReleaseAsync("event", ct);
                return EventResult.Applied;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex;
                await tx.RollbackAsync("event", ct);
                if (attempt < options.MaxAttempts)
                {
                    await Task.Delay(options.FirstRetryDelay * Math.Pow(2, attempt - 1), ct);
                }
            }
        }

        logger.LogError(error, "Projection {Projection} parked event {EventId} ({StreamId}@{Version}) after {Attempts} attempts",
            projection.Name, e.EventId, e.StreamId, e.StreamVersion, options.MaxAttempts);
        await connection.ExecuteAsync(tx,
            "insert into es_dead_letters (projection, event_id, stream_id, stream_version, global_position, event_type, envelope, error, attempts) values ($1, $2, $3, $4, $5, $6, $7::json, $8, $9)",
            ct, projection.Name, e.EventId, e.StreamId, e.StreamVersion, e.GlobalPosition, e.Type, DeadLetterEnvelope.Serialize(e), error!.Message, options.MaxAttempts);
        if (projection.OnPoison == PoisonPolicy.Continue)
        {
            return EventResult.Parked;
        }

        await connection.ExecuteAsync(tx, "update es_projections set status = 'stopped', last_error = $2, updated_at = now() where name = $1", ct, projection.Name, error.Message);
        return EventResult.Stopped;
    }

    private async Task<List<EventEnvelope>> MissingAsync(EventEnvelope e, long last, CancellationToken ct)
    {
        // A jump (delivery lost or reordered something): fetch what is missing from the store first.
        var missing = new List<EventEnvelope>();
        var stream = StreamId.Parse(e.StreamId);
        for (var from = last + 1; from < e.StreamVersion;)
        {
            var slice = await store.ReadStreamAsync(stream, from, (int)Math.Min(e.StreamVersion - from, 1000), ReadDirection.Forward, ct);
            missing.AddRange(slice.Events.Where(m => m.StreamVersion < e.StreamVersion));
            if (slice.Events.Count == 0)
            {
                break;
            }

            from = slice.Events[^1].StreamVersion + 1;
        }

        logger.LogInformation("Healed a gap in {StreamId}: fetched versions {From}..{To} from the store", e.StreamId, last + 1, e.StreamVersion - 1);
        return missing;
    }

    private static async Task<Dictionary<string, long>> LoadCheckpointsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, string[] streams, CancellationToken ct)
    {
        var checkpoints = new Dictionary<string, long>(StringComparer.Ordinal);
        if (streams.Length == 0)
        {
            return checkpoints;
        }

        await using var command = new NpgsqlCommand("select stream_id, version from es_projection_checkpoints where projection = $1 and stream_id = any($2)", connection, tx);
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(streams);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            checkpoints[reader.GetString(0)] = reader.GetInt64(1);
        }

        return checkpoints;
    }

    private static Task SaveCheckpointsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, Dictionary<string, long> checkpoints, CancellationToken ct) =>
        checkpoints.Count == 0
            ? Task.CompletedTask
            : connection.ExecuteAsync(tx,
                "insert into es_projection_checkpoints (projection, stream_id, version) select $1, s, v from unnest($2::text[], $3::bigint[]) as u(s, v) " +
                "on conflict (projection, stream_id) do update set version = greatest(es_projection_checkpoints.version, excluded.version)",
                ct, name, checkpoints.Keys.ToArray(), checkpoints.Values.ToArray());

    private static async Task<bool> MoveCursorAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ProjectionTarget target, string name, LogCursor from, LogCursor to, int count, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(target.CursorSql, connection, tx);
        command.Parameters.AddWithValue(name);
        command.Parameters.Add(new() { Value = from.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.AddWithValue(from.Position);
        command.Parameters.Add(new() { Value = to.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.AddWithValue(to.Position);
        command.Parameters.AddWithValue((long)count);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}

/// <summary>The envelope as stored with a parked event, and back.</summary>
internal static class DeadLetterEnvelope
{
    public static string Serialize(EventEnvelope e) => JsonSerializer.Serialize(new Stored(
        e.EventId, e.StreamId, e.Category, e.Type, e.StreamVersion, e.GlobalPosition, e.Data, e.MetadataJson, e.SchemaVersion, e.CorrelationId, e.CreatedAt), EventJson.Options);

    public static EventEnvelope Deserialize(string json)
    {
        var s = JsonSerializer.Deserialize<Stored>(json, EventJson.Options)!;
        return new EventEnvelope(s.EventId, s.StreamId, s.Category, s.Type, s.StreamVersion, s.GlobalPosition, s.Data, s.Metadata, s.SchemaVersion, s.CorrelationId, s.CreatedAt);
    }

    private sealed record Stored(Guid EventId, string StreamId, string Category, string Type, long StreamVersion, long GlobalPosition, string Data, string Metadata, int SchemaVersion, string? CorrelationId, DateTimeOffset CreatedAt);
}
