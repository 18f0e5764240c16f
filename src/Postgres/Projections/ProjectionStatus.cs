using Npgsql;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Status, cursor, lag and rebuild progress of each projection, for routes and stats.</summary>
public sealed class ProjectionStatus(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ProjectionReport>> ReadAsync(string? name = null, CancellationToken ct = default)
    {
        // Lag in events is the distance in global positions (an upper bound: rolled-back positions count too);
        // lag in seconds is the age of the oldest event after the cursor.
        await using var command = dataSource.CreateCommand(
            "select p.name, p.status, p.cursor_position, p.last_error, " +
            "greatest((select coalesce(max(global_position), 0) from es_events) - p.cursor_position, 0), " +
            "coalesce(extract(epoch from now() - (select e.created_at from es_events e where (e.tx_id, e.global_position) > (p.cursor_tx, p.cursor_position) " +
            "  order by e.tx_id, e.global_position limit 1)), 0)::float8, " +
            "(select count(*) from es_dead_letters d where d.projection = p.name and d.status = 'parked'), " +
            "p.rebuild_status, p.rebuild_processed, p.rebuild_total, p.rebuild_started_at, p.rebuild_finished_at, p.rebuild_error " +
            "from es_projections p where $1::text is null or p.name = $1 order by p.name");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var reports = new List<ProjectionReport>();
        while (await reader.ReadAsync(ct))
        {
            RebuildReport? rebuild = null;
            if (!reader.IsDBNull(7))
            {
                var processed = reader.GetInt64(8);
                var total = reader.GetInt64(9);
                var started = reader.IsDBNull(10) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(10);
                var finished = reader.IsDBNull(11) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(11);
                var seconds = started is null ? 0 : ((finished ?? DateTimeOffset.UtcNow) - started.Value).TotalSeconds;
                var rate = seconds > 0 ? processed / seconds : 0;
                rebuild = new RebuildReport(
                    reader.GetString(7), processed, total, Math.Round(rate, 1),
                    rate > 0 && reader.GetString(7) == "running" ? Math.Round(Math.Max(total - processed, 0) / rate, 1) : null,
                    started, finished, reader.IsDBNull(12) ? null : reader.GetString(12));
            }

            reports.Add(new ProjectionReport(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4), Math.Round(reader.GetDouble(5), 3), reader.GetInt64(6), rebuild));
        }

        return reports;
    }
}

public sealed record ProjectionReport(string Name, string Status, long CheckpointPosition, string? LastError, long LagEvents, double LagSeconds, long Parked, RebuildReport? Rebuild);

public sealed record RebuildReport(string Status, long Processed, long Total, double EventsPerSecond, double? EtaSeconds, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);
