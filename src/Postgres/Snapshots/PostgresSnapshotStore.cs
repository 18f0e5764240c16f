using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Snapshots;

/// <summary>Snapshots in <c>es_snapshots</c>; saving keeps the newest <paramref name="keepPerStream"/> per stream.</summary>
public sealed class PostgresSnapshotStore(NpgsqlDataSource dataSource, int keepPerStream = 3) : ISnapshotStore
{
    public async Task<Snapshot?> LoadAsync(StreamId stream, int schemaVersion, long? maxVersion = null, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select version, schema_version, state::text, taken_at from es_snapshots " +
            "where stream_id = $1 and schema_version = $2 and version <= $3 order by version desc limit 1");
        command.Parameters.AddWithValue(stream.Value);
        command.Parameters.AddWithValue(schemaVersion);
        command.Parameters.AddWithValue(maxVersion ?? long.MaxValue);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Snapshot(stream.Value, reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    public async Task SaveAsync(Snapshot snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "insert into es_snapshots (stream_id, version, schema_version, state, taken_at) values ($1, $2, $3, $4, $5) " +
            "on conflict (stream_id, version) do update set schema_version = excluded.schema_version, state = excluded.state, taken_at = excluded.taken_at")
        {
            Parameters =
            {
                new() { Value = snapshot.StreamId },
                new() { Value = snapshot.Version },
                new() { Value = snapshot.SchemaVersion },
                new() { Value = snapshot.State, NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = snapshot.TakenAt },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "update es_streams set snapshot_version = greatest(snapshot_version, $2) where stream_id = $1")
        {
            Parameters = { new() { Value = snapshot.StreamId }, new() { Value = snapshot.Version } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "delete from es_snapshots where stream_id = $1 and version < " +
            "(select min(version) from (select version from es_snapshots where stream_id = $1 order by version desc limit $2) newest)")
        {
            Parameters = { new() { Value = snapshot.StreamId }, new() { Value = keepPerStream } },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task ForgetAsync(StreamId stream, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("delete from es_snapshots where stream_id = $1");
        command.Parameters.AddWithValue(stream.Value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
