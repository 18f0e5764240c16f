using NpgsqlTypes;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    // Below the horizon no append transaction is still running (es_log_horizon, migration 0009), so no
    // event can still appear before the returned ones in (tx_id, position) order: a late commit is never
    // skipped. Transactions that cannot append (other databases, other tables) do not hold it back.
    private const string ReadLogSql =
        $"select tx_id, {EnvelopeColumns} from es_events " +
        "where (tx_id, global_position) > ($1::xid8, $2) and tx_id < (select es_log_horizon()) " +
        "order by tx_id, global_position limit $3";

    public async Task<LogSlice> ReadLogAsync(LogCursor after, int limit, CancellationToken ct = default)
    {
        CheckLimit(limit);
        await using var command = dataSource.CreateCommand(ReadLogSql);
        command.Parameters.Add(new() { Value = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.AddWithValue(after.Position);
        command.Parameters.AddWithValue(limit);

        var events = new List<Events.EventEnvelope>();
        var cursors = new List<LogCursor>();
        var next = after;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var envelope = ReadEnvelope(reader, 1);
            events.Add(envelope);
            next = new LogCursor(reader.GetFieldValue<ulong>(0), envelope.GlobalPosition);
            cursors.Add(next);
        }

        return new LogSlice(events, cursors, next);
    }
}
