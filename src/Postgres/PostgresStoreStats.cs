using Npgsql;

namespace Serverless.EventSourcing.Postgres;

/// <summary>Cheap store-wide figures for <c>/api/stats</c> (no full scan of the event table).</summary>
public sealed class PostgresStoreStats(NpgsqlDataSource dataSource)
{
    public async Task<StoreFigures> CollectAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select (select count(*) from es_streams), (select count(*) from es_streams where deleted_at is not null), " +
            "(select coalesce(max(global_position), 0) from es_events), " +
            "(select coalesce(n_live_tup, 0) from pg_stat_user_tables where relname = 'es_events')");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new StoreFigures(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? 0 : reader.GetInt64(3));
    }

    public async Task PingAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("select 1");
        await command.ExecuteScalarAsync(ct);
    }
}

/// <param name="EventsEstimate">From the planner's statistics: approximate, but free.</param>
public sealed record StoreFigures(long Streams, long DeletedStreams, long LastPosition, long EventsEstimate);
