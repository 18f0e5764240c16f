using Serverless.EventSourcing.Archive;
using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.Archive;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    // Below the horizon no append transaction is still running (es_log_horizon, migration 0009), so no
    // event can still appear before the returned ones in (tx_id, position) order: a late commit is never
    // skipped. Transactions that cannot append (other databases, other tables) do not hold it back. The horizon
    // comes back with the rows (one row of nulls when there are none): archived events are held to the same one.
    private const string ReadLogSql =
        $"with h as materialized (select es_log_horizon() as horizon) " +
        $"select h.horizon, e.* from h left join lateral (select tx_id, {EnvelopeColumns} from es_events " +
        "where (tx_id, global_position) > ($1::xid8, $2) and tx_id < h.horizon " +
        "order by tx_id, global_position limit $3) e on true";

    // The segments that may hold events of this page: ending after the cursor and starting no later than the page's
    // last hot event (when the page is full), so a read far behind the archive's range fetches nothing from it.
    private const string LogSegmentsSql =
        $"select {ArchiveSegmentRows.Columns} from es_archive_segments s where s.max_tx >= $1::xid8 " +
        "and s.min_tx <= coalesce((select tx_id from es_events where (tx_id, global_position) > ($1::xid8, $2) " +
        "order by tx_id, global_position offset $3 - 1 limit 1), s.min_tx)";

    public async Task<LogSlice> ReadLogAsync(LogCursor after, int limit, CancellationToken ct = default)
    {
        CheckLimit(limit);
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { ReadLogSql, LogSegmentsSql })
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql)
            {
                Parameters =
                {
                    new() { Value = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 },
                    new() { Value = after.Position },
                    new() { Value = limit },
                },
            });
        }

        var hot = new List<(LogCursor Cursor, EventEnvelope Event)>();
        ulong horizon;
        List<ArchiveSegment> segments;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            horizon = reader.GetFieldValue<ulong>(0);
            do
            {
                if (!reader.IsDBNull(1))
                {
                    var envelope = ReadEnvelope(reader, 2);
                    hot.Add((new LogCursor(reader.GetFieldValue<ulong>(1), envelope.GlobalPosition), envelope));
                }
            }
            while (await reader.ReadAsync(ct));

            await reader.NextResultAsync(ct);
            segments = await ArchiveSegmentRows.ReadAllAsync(reader, ct);
        }

        var page = segments.Count == 0 ? hot : await WithArchivedAsync(hot, segments, after, horizon, limit, ct);
        var next = page.Count > 0 ? page[^1].Cursor : after;
        return new LogSlice(page.Select(p => p.Event).ToList(), page.Select(p => p.Cursor).ToList(), next);
    }

    /// <summary>
    /// Archived events after the cursor, below the horizon and (when the hot page is full) not past it, merged in log
    /// order. Each segment is searched from the cursor and gives at most a page, so a page costs segments × page, not
    /// every archived event.
    /// </summary>
    private async Task<List<(LogCursor Cursor, EventEnvelope Event)>> WithArchivedAsync(
        List<(LogCursor Cursor, EventEnvelope Event)> hot, List<ArchiveSegment> segments, LogCursor after, ulong horizon, int limit, CancellationToken ct)
    {
        var upper = hot.Count >= limit ? hot[^1].Cursor : new LogCursor(horizon, 0);
        var archived = new List<(LogCursor Cursor, EventEnvelope Event)>();
        foreach (var segment in segments)
        {
            var events = await _archive.LoadInLogOrderAsync(segment, ct);
            var (low, high) = (0, events.Count);
            while (low < high)
            {
                var middle = (low + high) / 2;
                (low, high) = Compare(CursorOf(events[middle]), after) > 0 ? (low, middle) : (middle + 1, high);
            }

            for (var i = low; i < events.Count && i < low + limit; i++)
            {
                var cursor = CursorOf(events[i]);
                if (events[i].TransactionId >= horizon || Compare(cursor, upper) > 0)
                {
                    break;
                }

                archived.Add((cursor, events[i].ToEnvelope()));
            }
        }

        archived.Sort((a, b) => Compare(a.Cursor, b.Cursor));
        return Merge(archived, hot, (a, b) => Compare(a.Cursor, b.Cursor), limit);
    }

    private static LogCursor CursorOf(ArchivedEvent e) => new(e.TransactionId, e.Position);

    private static int Compare(LogCursor a, LogCursor b)
    {
        var tx = a.TransactionId.CompareTo(b.TransactionId);
        return tx != 0 ? tx : a.Position.CompareTo(b.Position);
    }
}
