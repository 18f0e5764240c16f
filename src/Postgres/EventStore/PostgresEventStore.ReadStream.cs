using Npgsql;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    private const string ForwardSql =
        $"select {EnvelopeColumns} from es_events where stream_id = $1 and stream_version >= $2 order by stream_version limit $3";

    private const string BackwardSql =
        $"select {EnvelopeColumns} from es_events where stream_id = $1 and stream_version <= $2 order by stream_version desc limit $3";

    public async Task<StreamSlice> ReadStreamAsync(StreamId stream, long fromVersion, int limit, ReadDirection direction = ReadDirection.Forward, CancellationToken ct = default)
    {
        CheckLimit(limit);
        if (fromVersion < 0)
        {
            throw new InvalidInputException("fromVersion", "fromVersion must be 0 or more");
        }

        // Stream row and events in one round trip; the extra row tells whether another page exists.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select version, deleted_at is not null from es_streams where stream_id = $1")
        {
            Parameters = { new() { Value = stream.Value } },
        });
        var backward = direction == ReadDirection.Backward;
        batch.BatchCommands.Add(new NpgsqlBatchCommand(backward ? BackwardSql : ForwardSql)
        {
            Parameters =
            {
                new() { Value = stream.Value },
                new() { Value = backward && fromVersion == 0 ? long.MaxValue : fromVersion },
                new() { Value = limit + 1 },
            },
        });

        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return new StreamSlice(stream.Value, StreamStatus.NotFound, 0, [], null);
        }

        var version = reader.GetInt64(0);
        var status = reader.GetBoolean(1) ? StreamStatus.Deleted : StreamStatus.Ok;
        await reader.NextResultAsync(ct);
        var events = new List<EventEnvelope>(Math.Min(limit + 1, 1024));
        while (await reader.ReadAsync(ct))
        {
            events.Add(ReadEnvelope(reader));
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
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        string? lastType = null;
        while (await reader.ReadAsync(ct))
        {
            // Streams repeat a handful of type names; share one string per run of equal names.
            var type = reader.GetString(0);
            lastType = type == lastType ? lastType : type;
            events.Add(new StoredEvent(lastType, reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3)));
        }

        return events;
    }
}
