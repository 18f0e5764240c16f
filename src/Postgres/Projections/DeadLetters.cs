using Microsoft.Extensions.Logging;
using Npgsql;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Parked events: list them, and retry one after a fix (which also resumes a stopped projection).</summary>
public sealed class DeadLetters(NpgsqlDataSource dataSource, ProjectionDispatcher dispatcher, ILogger<DeadLetters> logger)
{
    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(string projection, int limit = 100, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select id, event_id, stream_id, stream_version, global_position, event_type, error, attempts, status, parked_at, resolved_at " +
            "from es_dead_letters where projection = $1 order by id limit $2");
        command.Parameters.AddWithValue(projection);
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parked = new List<ParkedEvent>();
        while (await reader.ReadAsync(ct))
        {
            parked.Add(new ParkedEvent(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6),
                reader.GetInt32(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return parked;
    }

    /// <summary>Applies the parked event again. On success it is resolved and a stopped projection runs again.</summary>
    public async Task<RetryOutcome> RetryAsync(string projectionName, long id, CancellationToken ct = default)
    {
        var projection = dispatcher.Find(projectionName);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var json = await connection.ScalarAsync<string>(tx,
            "select envelope::text from es_dead_letters where id = $1 and projection = $2 and status = 'parked' for update", ct, id, projectionName);
        if (json is null)
        {
            return RetryOutcome.NotFound;
        }

        var envelope = DeadLetterEnvelope.Deserialize(json);
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

        await connection.ExecuteAsync(tx, "update es_dead_letters set status = 'resolved', resolved_at = now() where id = $1", ct, id);
        await connection.ExecuteAsync(tx,
            "insert into es_projection_checkpoints (projection, stream_id, version) values ($1, $2, $3) " +
            "on conflict (projection, stream_id) do update set version = greatest(es_projection_checkpoints.version, excluded.version)",
            ct, projectionName, envelope.StreamId, envelope.StreamVersion);
        await connection.ExecuteAsync(tx,
            "update es_projections set status = 'running', last_error = null, updated_at = now() where name = $1 and status = 'stopped' " +
            "and not exists (select 1 from es_dead_letters where projection = $1 and status = 'parked' and id <> $2)", ct, projectionName, id);
        await tx.CommitAsync(ct);
        logger.LogInformation("Parked event {Id} for {Projection} applied on retry", id, projectionName);
        return RetryOutcome.Applied;
    }
}

public enum RetryOutcome
{
    Applied,
    FailedAgain,
    NotFound,
}

public sealed record ParkedEvent(
    long Id, Guid EventId, string StreamId, long StreamVersion, long GlobalPosition, string EventType, string Error, int Attempts, string Status, DateTimeOffset ParkedAt, DateTimeOffset? ResolvedAt);
