using Npgsql;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>What a command decides on, read in one round trip: its key's record, the stream row, the newest snapshot and the events after it.</summary>
internal abstract class CommandRead(StreamId stream, PostgresEventStore store)
{
    private List<StoredEvent> _events = [];

    protected StreamId Stream { get; } = stream;

    protected PostgresEventStore Store { get; } = store;

    public IdempotencyRecord? Earlier { get; private set; }

    public long Version { get; private set; }

    public bool IsDeleted { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<StoredEvent> Events => _events;

    /// <summary>The reads <see cref="ReadAsync"/> parses, in its order; <paramref name="key"/> "" finds nothing.</summary>
    internal static void AddReads(NpgsqlBatch batch, StreamId stream, string? key, int? snapshotSchemaVersion)
    {
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresCommandStore.FindKeySql) { Parameters = { new() { Value = key ?? "" } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select version, deleted_at is not null from es_streams where stream_id = $1") { Parameters = { new() { Value = stream.Value } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresCommandStore.SnapshotAndEventsSql) { Parameters = { new() { Value = stream.Value }, new() { Value = snapshotSchemaVersion ?? -1 } } });
    }

    /// <summary>Parses the results of <see cref="AddReads"/>; the reader stands on the key's result.</summary>
    internal async Task ReadAsync(NpgsqlDataReader reader, string? key, int snapshotSchemaVersion, CancellationToken ct)
    {
        if (key is not null && await reader.ReadAsync(ct))
        {
            Earlier = PostgresCommandStore.ReadKey(reader, key);
        }

        await reader.NextResultAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            Version = reader.GetInt64(0);
            IsDeleted = reader.GetBoolean(1);
        }

        await reader.NextResultAsync(ct);
        string? lastType = null;
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetInt32(0) == 0)
            {
                Snapshot = new Snapshot(Stream.Value, reader.GetInt64(1), snapshotSchemaVersion, reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5));
                continue;
            }

            // Streams repeat a handful of type names; share one string per run of equal names.
            var type = reader.GetString(2);
            lastType = type == lastType ? lastType : type;
            _events.Add(new StoredEvent(lastType, reader.GetInt64(1), reader.GetInt32(3), reader.GetString(4)));
        }

        // A stream archived past its usable snapshot (e.g. after a snapshot schema change) starts with a hole.
        var after = Snapshot?.Version ?? 0;
        if (Version > after && (_events.Count == 0 || _events[0].StreamVersion != after + 1))
        {
            _events = [.. await Store.FillFromArchiveAsync(Stream, after, Version, _events, ct)];
        }
    }
}
