using NpgsqlTypes;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    // Every event above the position has a transaction id at least the smallest among the visible ones above it, or,
    // if it is not visible yet, at least the horizon (its appender is still running, or starts later with a larger
    // id). Starting just before the smaller of the two therefore misses none. The materialized CTE keeps the lookup on
    // the primary key (positions above P), not a walk of the whole (tx_id, position) index. Archived segments reaching
    // above P count with their smallest transaction id.
    private const string LogStartSql =
        "with p as (select coalesce($1, greatest((select max(global_position) from es_events), (select max(max_position) from es_archive_segments)), 0) as pos), " +
        "above as materialized (select tx_id from es_events where global_position > (select pos from p) " +
        "union all select min_tx from es_archive_segments where max_position > (select pos from p)), " +
        "f as (select (select tx_id from above order by tx_id limit 1) as first_tx, es_log_horizon() as horizon) " +
        "select (select pos from p), case when first_tx is not null and first_tx < horizon then first_tx else horizon end from f";

    public async Task<LogStart> LogStartAfterAsync(long? afterPosition, CancellationToken ct = default)
    {
        if (afterPosition < 0)
        {
            throw new InvalidInputException("afterPosition", "must be 0 or more");
        }

        if (afterPosition == 0)
        {
            return new LogStart(LogCursor.Start, 0);
        }

        await using var command = dataSource.CreateCommand(LogStartSql);
        command.Parameters.Add(new() { Value = (object?)afterPosition ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var position = reader.GetInt64(0);
        var floor = reader.GetFieldValue<ulong>(1);

        // (floor, 0) sorts before every event of the floor transaction: positions start at 1.
        return new LogStart(new LogCursor(floor, 0), position);
    }
}
