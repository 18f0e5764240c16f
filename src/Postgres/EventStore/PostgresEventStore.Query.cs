using System.Text;
using Npgsql;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Store;

using Serverless.EventSourcing.Postgres.Archive;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    public async Task<QueryPage> QueryAsync(EventQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1 || query.Limit > EventQuery.MaxLimit)
        {
            throw new InvalidInputException("limit", $"limit must be between 1 and {EventQuery.MaxLimit}");
        }

        if (query.AfterPosition < 0)
        {
            throw new InvalidInputException("afterPosition", "afterPosition must be 0 or more");
        }

        if (query.From is { } from && query.To is { } to && from > to)
        {
            throw new InvalidInputException("to", "'to' must not be before 'from'");
        }

        var command = new NpgsqlBatchCommand();
        var sql = new StringBuilder($"select {EnvelopeColumns} from es_events where global_position > $1");
        command.Parameters.AddWithValue(query.AfterPosition);
        void Where(string condition, object value)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
            sql.Append(" and ").Append(condition.Replace("?", "$" + command.Parameters.Count, StringComparison.Ordinal));
        }

        if (query.StreamId is not null)
        {
            Where("stream_id = ?", query.StreamId);
        }

        if (query.Category is not null)
        {
            Where("category = ?", query.Category);
        }

        if (query.EventTypes is { Count: > 0 } types)
        {
            Where("event_type = any(?)", types.ToArray());
        }

        if (query.CorrelationId is not null)
        {
            Where("correlation_id = ?", query.CorrelationId);
        }

        if (query.Principal is not null)
        {
            Where("principal = ?", query.Principal);
        }

        if (query.Visible is { } visible)
        {
            AddVisibility(visible, command.Parameters, sql);
        }

        if (query.From is { } f)
        {
            Where("created_at >= ?", f);
        }

        if (query.To is { } t)
        {
            Where("created_at <= ?", t);
        }

        if (query.FromVersion is { } fv)
        {
            Where("stream_version >= ?", fv);
        }

        if (query.ToVersion is { } tv)
        {
            Where("stream_version <= ?", tv);
        }

        command.Parameters.AddWithValue(query.Limit + 1);
        sql.Append(" order by global_position limit $").Append(command.Parameters.Count);
        command.CommandText = sql.ToString();

        // The manifest rows that may match come in the same round trip, after the hot rows: an archive run committing
        // between the two statements shows its events in both, and the merge keeps one of each.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(SegmentsCommand(query));
        var events = new List<Events.EventEnvelope>();
        List<ArchiveSegment> segments;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events.Add(ReadEnvelope(reader));
            }

            await reader.NextResultAsync(ct);
            segments = await ArchiveSegmentRows.ReadAllAsync(reader, ct);
        }

        if (segments.Count > 0)
        {
            events = await WithArchivedAsync(query, events, segments, ct);
        }

        long? next = null;
        if (events.Count > query.Limit)
        {
            events.RemoveAt(query.Limit);
            next = events[^1].GlobalPosition;
        }

        return new QueryPage(events, next);
    }

    /// <summary>The manifest rows of segments that can hold matching events after the cursor.</summary>
    private static NpgsqlBatchCommand SegmentsCommand(EventQuery query) => new(
        $"select {ArchiveSegmentRows.Columns} from es_archive_segments where max_position > $1 " +
        "and ($2::text is null or stream_id = $2) and ($3::text is null or category = $3) " +
        "and ($4::timestamptz is null or last_created_at >= $4) and ($5::timestamptz is null or first_created_at <= $5) order by min_position")
    {
        Parameters =
        {
            new() { Value = query.AfterPosition },
            new() { Value = (object?)query.StreamId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            new() { Value = (object?)query.Category ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            new() { Value = (object?)query.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
            new() { Value = (object?)query.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
        },
    };

    /// <summary>
    /// The archived events that match, merged by position. Only segments that can overlap the page are fetched: when the
    /// hot page is full, those starting before its last event.
    /// </summary>
    private async Task<List<Events.EventEnvelope>> WithArchivedAsync(EventQuery query, List<Events.EventEnvelope> hot, List<ArchiveSegment> segments, CancellationToken ct)
    {
        var upper = hot.Count > query.Limit ? hot[^1].GlobalPosition : long.MaxValue;
        var archived = new List<Events.EventEnvelope>();
        foreach (var segment in segments.Where(s => s.MinPosition <= upper))
        {
            archived.AddRange((await _archive.LoadAsync(segment, ct)).Where(e => e.Position <= upper && Matches(query, e)).Select(e => e.ToEnvelope()));
        }

        archived.Sort((a, b) => a.GlobalPosition.CompareTo(b.GlobalPosition));
        return Merge(archived, hot, (a, b) => a.GlobalPosition.CompareTo(b.GlobalPosition), query.Limit + 1);
    }

    /// <summary>The filter of <see cref="QueryAsync"/> for an archived event (the SQL above says the same for hot rows).</summary>
    private static bool Matches(EventQuery q, ArchivedEvent e) =>
        e.Position > q.AfterPosition
        && (q.StreamId is null || e.StreamId == q.StreamId)
        && (q.Category is null || e.Category == q.Category)
        && (q.EventTypes is not { Count: > 0 } types || types.Contains(e.Type))
        && (q.CorrelationId is null || e.CorrelationId == q.CorrelationId)
        && (q.Principal is null || e.Principal == q.Principal)
        && (q.Visible is not { } visible || visible.Allows(e.Category, e.Type))
        && (q.From is not { } from || e.CreatedAt >= from)
        && (q.To is not { } to || e.CreatedAt <= to)
        && (q.FromVersion is not { } fv || e.Version >= fv)
        && (q.ToVersion is not { } tv || e.Version <= tv);

    /// <summary>
    /// Only events the reader may see: listed categories with every type, listed categories with some types, and (with a
    /// grant on every category) the categories not listed, minus those such a grant never reaches.
    /// </summary>
    private static void AddVisibility(Visibility visible, NpgsqlParameterCollection parameters, StringBuilder sql)
    {
        string Param(object value, NpgsqlTypes.NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + parameters.Count;
        }

        const NpgsqlTypes.NpgsqlDbType TextArray = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
        var whole = visible.Listed.Where(c => c.Value is null).Select(c => c.Key).ToArray();
        var pairs = visible.Listed.Where(c => c.Value is not null).SelectMany(c => c.Value!.Select(t => (c.Key, Type: t))).ToArray();
        sql.Append(" and (category = any(").Append(Param(whole, TextArray)).Append(')');
        if (pairs.Length > 0)
        {
            sql.Append(" or (category, event_type) in (select * from unnest(")
                .Append(Param(pairs.Select(p => p.Key).ToArray(), TextArray)).Append(", ")
                .Append(Param(pairs.Select(p => p.Type).ToArray(), TextArray)).Append("))");
        }

        if (visible.Others)
        {
            sql.Append(" or (category <> all(").Append(Param(visible.Listed.Keys.Concat(visible.NotOthers).ToArray(), TextArray)).Append(')');
            if (visible.OtherTypes is { } types)
            {
                sql.Append(" and event_type = any(").Append(Param(types.ToArray(), TextArray)).Append(')');
            }

            sql.Append(')');
        }

        sql.Append(')');
    }
}
