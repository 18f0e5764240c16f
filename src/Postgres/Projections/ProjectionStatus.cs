using Npgsql;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Status, cursor, lag, parked and skipped events and rebuild progress of each projection, for routes and stats.</summary>
public sealed class ProjectionStatus(NpgsqlDataSource dataSource)
{
    // Lag in events is the distance in global positions (an upper bound: rolled-back positions count too);
    // lag in seconds is the age of the oldest event after the cursor.
    private const string Sql =
        "select p.name, p.status, p.cursor_position, p.last_error, " +
        "greatest((select coalesce(max(global_position), 0) from es_events) - p.cursor_position, 0), " +
        "coalesce(extract(epoch from now() - (select e.created_at from es_events e where (e.tx_id, e.global_position) > (p.cursor_tx, p.cursor_position) " +
        "  order by e.tx_id, e.global_position limit 1)), 0)::float8, " +
        "(select count(*) from es_dead_letters d where d.projection = p.name and d.status = 'parked'), " +
        "(select count(*) from es_dead_letters d where d.projection = p.name and d.status = 'skipped'), " +
        "r.status, r.processed, greatest(r.total, r.processed), r.started_at, r.finished_at, r.error " +
        "from es_projections p left join es_projection_rebuilds r on r.name = p.name " +
        "where $1::text is null or p.name = $1 order by p.name";

    public async Task<IReadOnlyList<ProjectionReport>> ReadAsync(string? name = null, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var reports = new List<ProjectionReport>();
        while (await reader.ReadAsync(ct))
        {
            var skipped = reader.GetInt64(7);
            reports.Add(new ProjectionReport(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4), Math.Round(reader.GetDouble(5), 3), reader.GetInt64(6), skipped, Diverged: skipped > 0,
                reader.IsDBNull(8) ? null : ReadRebuild(reader)));
        }

        return reports;
    }

    private static RebuildReport ReadRebuild(NpgsqlDataReader reader)
    {
        var status = reader.GetString(8);
        var processed = reader.GetInt64(9);
        var total = reader.GetInt64(10);
        var started = reader.GetFieldValue<DateTimeOffset>(11);
        var finished = reader.IsDBNull(12) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(12);
        var seconds = ((finished ?? DateTimeOffset.UtcNow) - started).TotalSeconds;
        var rate = seconds > 0 ? processed / seconds : 0;
        var eta = rate > 0 && status == "running" ? Math.Round(Math.Max(total - processed, 0) / rate, 1) : (double?)null;
        return new RebuildReport(status, processed, total, Math.Round(rate, 1), eta, started, finished, reader.IsDBNull(13) ? null : reader.GetString(13));
    }
}

/// <param name="Skipped">Parked events an operator gave up on: the read model lacks them.</param>
/// <param name="Diverged">True once any event was skipped: the read model no longer equals a fold of the log (a rebuild fixes it once the cause is).</param>
public sealed record ProjectionReport(
    string Name, string Status, long CheckpointPosition, string? LastError, long LagEvents, double LagSeconds, long Parked, long Skipped, bool Diverged, RebuildReport? Rebuild);

/// <param name="Total">Events to replay; grows to what was processed when events arrive during the rebuild, so progress never passes 100 %.</param>
public sealed record RebuildReport(string Status, long Processed, long Total, double EventsPerSecond, double? EtaSeconds, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);
