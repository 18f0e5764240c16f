using Npgsql;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    private const string ForwardSql =
        $"select {EnvelopeColumns} from es_events where stream_id = $1 and stream_version >= $2 order by stream_version limit $3";

    private const string BackwardSql =
        $"select {EnvelopeColumns} from es_events where stream_id = $1 and stream_version <= $2 order by stream_version desc limit $3";

    private const string StreamRowSql =
        "select version, deleted_at is not null, max_count, max_age_seconds, truncate_before from es_streams where stream_id = $1";

    public async Task<StreamSlice> ReadStreamAsync(StreamId stream, long fromVersion, int limit, ReadDirection direction = ReadDirection.Forward, CancellationToken ct = default)
    {
        CheckLimit(limit);
        if (fromVersion < 0)
        {
            throw new InvalidInputException("fromVersion", "fromVersion must be 0 or more");
        }

        // Stream row and events in one round trip; the extra event tells whether another page exists. Each statement
        // sees its own moment, so the row is read first: the events, read later, reach at least as far, and the version
        // reported is never past the events returned. Read the other way round, an append committing in between gave a
        // version one past the last event, and a caller appending with that version as expected passed its check on a
        // state that missed an event (two racing saga runners both completed one saga).
        await using var batch = dataSource.CreateBatch();
        var backward = direction == ReadDirection.Backward;
        var start = backward && fromVersion == 0 ? long.MaxValue : fromVersion;
        batch.BatchCommands.Add(new NpgsqlBatchCommand(StreamRowSql) { Parameters = { new() { Value = stream.Value } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(backward ? BackwardSql : ForwardSql)
        {
            Parameters = { new() { Value = stream.Value }, new() { Value = start }, new() { Value = limit + 1 } },
        });

        var hot = new List<EventEnvelope>(Math.Min(limit + 1, 1024));
        StreamRow row;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return new StreamSlice(stream.Value, StreamStatus.NotFound, 0, [], null);
            }

            row = StreamRow.Read(reader);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hot.Add(ReadEnvelope(reader));
            }
        }

        // The events may have gone past the row: the stream is as far as the later of the two. Archived events sit below
        // the hot ones, so a hole below the first hot event is looked up in the archive's manifest even when the row
        // read does not list it yet (a run committed in between); a stream never archived finds nothing there.
        var version = Math.Max(row.Version, hot.Count == 0 ? 0 : hot.Max(e => e.StreamVersion));
        var policy = _retention.Effective(stream.Category, row.Policy);
        var now = _time.GetUtcNow();
        bool Keeps(long v, DateTimeOffset created) => policy.Keeps(v, created, version, now);
        var status = row.Deleted ? StreamStatus.Deleted : StreamStatus.Ok;
        var kept = hot.Where(e => Keeps(e.StreamVersion, e.CreatedAt)).ToList();
        var floor = policy.FirstVisibleVersion(version);
        List<EventEnvelope> events;
        if (!backward)
        {
            var first = Math.Max(fromVersion, floor);
            if (kept.Count < hot.Count && hot.Count > limit)
            {
                // The policy hid the start of a full page: read the page again from the first visible event.
                var again = await ReadHotAsync(stream, first, policy.OldestVisible(now), limit + 1, ct);
                version = Math.Max(version, again.Count == 0 ? 0 : again[^1].StreamVersion);
                kept = again.Where(e => Keeps(e.StreamVersion, e.CreatedAt)).ToList();
            }

            var below = Math.Min(kept.Count > 0 ? kept[0].StreamVersion - 1 : version, version);
            var archived = first <= below
                ? (await _archive.ReadStreamAsync(stream.Value, first, below, ct, limit + 1, e => Keeps(e.Version, e.CreatedAt))).Select(e => e.ToEnvelope())
                : [];
            events = Merge(archived, kept, (a, b) => a.StreamVersion.CompareTo(b.StreamVersion), limit + 1);
        }
        else
        {
            var top = (kept.Count > 0 ? kept[^1].StreamVersion : Math.Min(start, version) + 1) - 1;
            var bottom = Math.Max(floor, top - limit);
            var archived = kept.Count <= limit && top >= bottom
                ? (await _archive.ReadStreamAsync(stream.Value, bottom, top, ct)).Select(e => e.ToEnvelope()).Where(e => Keeps(e.StreamVersion, e.CreatedAt)).Reverse()
                : [];
            events = Merge(kept, archived, (a, b) => b.StreamVersion.CompareTo(a.StreamVersion), limit + 1);
        }

        long? next = null;
        if (events.Count > limit)
        {
            next = events[limit].StreamVersion;
            events.RemoveAt(limit);
        }

        return new StreamSlice(stream.Value, status, version, events, next);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadForFoldAsync(StreamId stream, long afterVersion, long toVersion, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select event_type, stream_version, schema_version, data::text from es_events where stream_id = $1 and stream_version > $2 and stream_version <= $3 order by stream_version");
        command.Parameters.AddWithValue(stream.Value);
        command.Parameters.AddWithValue(afterVersion);
        command.Parameters.AddWithValue(toVersion);
        var events = new List<StoredEvent>((int)Math.Clamp(toVersion - afterVersion, 0, 16_384));
        await using (var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct))
        {
            string? lastType = null;
            while (await reader.ReadAsync(ct))
            {
                // Streams repeat a handful of type names; share one string per run of equal names.
                var type = reader.GetString(0);
                lastType = type == lastType ? lastType : type;
                events.Add(new StoredEvent(lastType, reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3)));
            }
        }

        return await FillFromArchiveAsync(stream, afterVersion, toVersion, events, ct);
    }

    /// <summary>
    /// Aggregate loads read PostgreSQL alone; a hole at the start of what they read (the first hot event is not the next
    /// version, or none came) may be archived events, which come from the archive. Streams never archived pay nothing.
    /// </summary>
    internal async Task<IReadOnlyList<StoredEvent>> FillFromArchiveAsync(StreamId stream, long afterVersion, long toVersion, List<StoredEvent> hot, CancellationToken ct)
    {
        var firstHot = hot.Count > 0 ? hot[0].StreamVersion : long.MaxValue;
        if (firstHot == afterVersion + 1 || toVersion <= afterVersion)
        {
            return hot;
        }

        var archived = await _archive.ReadStreamAsync(stream.Value, afterVersion + 1, Math.Min(toVersion, firstHot - 1), ct);
        if (archived.Count == 0)
        {
            return hot;
        }

        var events = new List<StoredEvent>(archived.Count + hot.Count);
        events.AddRange(archived.Select(e => e.ToStored()));
        events.AddRange(hot.Where(e => e.StreamVersion > archived[^1].Version));
        return events;
    }

    private async Task<List<EventEnvelope>> ReadHotAsync(StreamId stream, long fromVersion, DateTimeOffset? oldest, int count, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select {EnvelopeColumns} from es_events where stream_id = $1 and stream_version >= $2 and ($4::timestamptz is null or created_at >= $4) order by stream_version limit $3");
        command.Parameters.AddWithValue(stream.Value);
        command.Parameters.AddWithValue(fromVersion);
        command.Parameters.AddWithValue(count);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)oldest ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        return await ReadEnvelopesAsync(command, ct);
    }

    /// <summary>Merges two lists sorted by <paramref name="order"/>, an item in both once, up to <paramref name="max"/>.</summary>
    internal static List<T> Merge<T>(IEnumerable<T> first, IEnumerable<T> second, Comparison<T> order, int max)
    {
        var result = new List<T>();
        using var a = first.GetEnumerator();
        using var b = second.GetEnumerator();
        var hasA = a.MoveNext();
        var hasB = b.MoveNext();
        while ((hasA || hasB) && result.Count < max)
        {
            var c = !hasA ? 1 : !hasB ? -1 : order(a.Current, b.Current);
            result.Add(c <= 0 ? a.Current : b.Current);
            if (c <= 0)
            {
                hasA = a.MoveNext();
            }

            if (c >= 0)
            {
                hasB = b.MoveNext();
            }
        }

        return result;
    }

    /// <summary>The columns of <see cref="StreamRowSql"/>.</summary>
    private sealed record StreamRow(long Version, bool Deleted, StreamPolicy Policy)
    {
        public static StreamRow Read(NpgsqlDataReader reader) => new(reader.GetInt64(0), reader.GetBoolean(1), ReadPolicy(reader, 2));
    }

    /// <summary>max_count, max_age_seconds, truncate_before from <paramref name="offset"/>.</summary>
    internal static StreamPolicy ReadPolicy(NpgsqlDataReader reader, int offset) => new(
        reader.IsDBNull(offset) ? null : reader.GetInt64(offset),
        reader.IsDBNull(offset + 1) ? null : TimeSpan.FromSeconds(reader.GetInt64(offset + 1)),
        reader.IsDBNull(offset + 2) ? null : reader.GetInt64(offset + 2));
}
