using Microsoft.Extensions.Logging;
using Npgsql;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Parked events: list them, and retry one after a fix (which also resumes a stopped projection).</summary>
public sealed partial class DeadLetters(NpgsqlDataSource dataSource, ProjectionDispatcher dispatcher, ILogger<DeadLetters> logger)
{
    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(string projection, int limit = 100, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select id, event_id, stream_id, stream_version, global_position, event_type, error, attempts, status, parked_at, resolved_at, resolved_by, resolution " +
            "from es_dead_letters where projection = $1 order by id limit $2");
        command.Parameters.AddWithValue(projection);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parked = new List<ParkedEvent>();
        while (await reader.ReadAsync(ct))
        {
            parked.Add(new ParkedEvent(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6),
                reader.GetInt32(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return parked;
    }

    /// <summary>
    /// Gives up on a parked event that will never apply: it is marked skipped with who and why, the projection moves on
    /// (a stopped one runs again when nothing else is parked), and its status reports the read model as diverged.
    /// </summary>
    public async Task<RetryOutcome> SkipAsync(string projectionName, long id, string by, string reason, CancellationToken ct = default)
    {
        dispatcher.Find(projectionName);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LockParkedAsync(connection, tx, projectionName, id, ct) is not { } envelope)
        {
            return RetryOutcome.NotFound;
        }

        await ResolveAsync(connection, tx, projectionName, id, envelope, "skipped", by, reason, ct);
        await tx.CommitAsync(ct);
        logger.LogWarning("Parked event {Id} for {Projection} skipped by {By}: {Reason}", id, projectionName, by, reason);
        return RetryOutcome.Applied;
    }

    /// <summary>The parked event's envelope, locked for this transaction; null when there is no such parked event.</summary>
    private static async Task<Serverless.EventSourcing.Events.EventEnvelope?> LockParkedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projection, long id, CancellationToken ct)
    {
        var json = await connection.ScalarAsync<string>(tx,
            "select envelope::text from es_dead_letters where id = $1 and projection = $2 and status = 'parked' for update", ct, id, projection);
        return json is null ? null : DeadLetterEnvelope.Deserialize(json);
    }

    /// <summary>Closes a parked event, moves the stream's checkpoint past it, and resumes a projection it had stopped.</summary>
    private static async Task ResolveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string projection, long id, Serverless.EventSourcing.Events.EventEnvelope envelope, string status, string? by, string? reason, CancellationToken ct)
    {
        await connection.ExecuteAsync(tx,
            "update es_dead_letters set status = $2, resolved_at = now(), resolved_by = $3, resolution = $4 where id = $1", ct, id, status, by, reason);
        await connection.ExecuteAsync(tx,
            "insert into es_projection_checkpoints (projection, stream_id, version) values ($1, $2, $3) " +
            "on conflict (projection, stream_id) do update set version = greatest(es_projection_checkpoints.version, excluded.version)",
            ct, projection, envelope.StreamId, envelope.StreamVersion);
        await connection.ExecuteAsync(tx,
            "update es_projections set status = 'running', last_error = null, updated_at = now() where name = $1 and status = 'stopped' " +
            "and not exists (select 1 from es_dead_letters where projection = $1 and status = 'parked' and id <> $2)", ct, projection, id);
    }

    /// <summary>Applies the parked event again. On success it is resolved and a stopped projection runs again.</summary>
    public async Task<RetryOutcome> RetryAsync(string projectionName, long id, CancellationToken ct = default)
    {
        var projection = dispatcher.Find(projectionName);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LockParkedAsync(connection, tx, projectionName, id, ct) is not { } envelope)
        {
            return RetryOutcome.NotFound;
        }

        try
        {
            await projection.ApplyAsync(envelope, new PostgresReadModelSession(connection, tx, deferWrites: false), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await tx.RollbackAsync(ct);
            await using var record = dataSource.CreateCommand("update es_dead_letters set error = $2, attempts = attempts + 1 where id = $1");
            record.Parameters.AddWithValue(id);
            record.Parameters.AddWithValue(ex.Message);
            await record.ExecuteNonQueryAsync(ct);
            logger.LogWarning(ex, "Retry of parked event {Id} for {Projection} failed again", id, projectionName);
            return RetryOutcome.FailedAgain;
        }

        await ResolveAsync(connection, tx, projectionName, id, envelope, "resolved", null, null, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Parked event {Id} for {Projection} applied on retry", id, projectionName);
        return RetryOutcome.Applied;
    }
}

/// <summary>The outcome of a retry or a skip of a parked event.</summary>
public enum RetryOutcome
{
    Applied,
    FailedAgain,
    NotFound,
}

/// <param name="Status">parked, resolved (applied on retry) or skipped (given up by an operator: <see cref="ResolvedBy"/>, <see cref="Resolution"/>).</param>
public sealed record ParkedEvent(
    long Id, Guid EventId, string StreamId, long StreamVersion, long GlobalPosition, string EventType, string Error, int Attempts, string Status,
    DateTimeOffset ParkedAt, DateTimeOffset? ResolvedAt, string? ResolvedBy, string? Resolution);
