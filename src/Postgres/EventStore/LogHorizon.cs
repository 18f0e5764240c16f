using Npgsql;

namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>
/// The append transactions log readers are waiting for (es_log_blockers, migration 0009). Gap safety makes readers
/// wait for an append that is still open, however long; this names it so an operator can act.
/// </summary>
public sealed class LogHorizon(NpgsqlDataSource dataSource)
{
    /// <summary>Append transactions open for longer than <paramref name="olderThan"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LogBlocker>> BlockersAsync(TimeSpan olderThan, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select pid, application_name, client_addr, state, xact_age_seconds, query from es_log_blockers() where xact_age_seconds >= $1");
        command.Parameters.AddWithValue(olderThan.TotalSeconds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var blockers = new List<LogBlocker>();
        while (await reader.ReadAsync(ct))
        {
            blockers.Add(new LogBlocker(
                reader.GetInt32(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? "" : reader.GetString(3), Math.Round(reader.GetDouble(4), 1)));
        }

        return blockers;
    }
}

/// <summary>A backend holding an append open: projections, subscriptions and the relay wait for it to end.</summary>
public sealed record LogBlocker(int Pid, string ApplicationName, string? ClientAddress, string State, double AgeSeconds);
