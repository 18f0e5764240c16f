using Npgsql;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>
/// Commands in two round trips: <see cref="BeginAsync"/> opens a transaction, takes the stream's write lock and
/// reads the key, the stream row, the newest snapshot and the events after it; <see cref="PostgresCommandWrite"/>
/// then appends, records the key and commits in one batch. <see cref="ReadAsync"/> reads the same without lock or
/// open transaction, and <see cref="PostgresOptimisticWrite"/> appends at the version it read.
/// </summary>
public sealed class PostgresCommandStore(NpgsqlDataSource dataSource, PostgresEventStore store) : ICommandStore
{
    internal const string FindKeySql = "select request_hash, result::text, expires_at from es_idempotency_keys where key = $1 and expires_at > now()";

    // One statement, so the snapshot and the events after it come from one database snapshot even if the
    // snapshot job writes a newer one meanwhile.
    internal const string SnapshotAndEventsSql =
        "with snap as (select version, state::text as state, taken_at from es_snapshots where stream_id = $1 and schema_version = $2 order by version desc limit 1) " +
        "select 0, version, null, 0, state, taken_at from snap " +
        "union all " +
        "select 1, e.stream_version, e.event_type, e.schema_version, e.data::text, null from es_events e " +
        "where e.stream_id = $1 and e.stream_version > coalesce((select version from snap), 0) " +
        "order by 1, 2";

    public async Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(FindKeySql);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadKey(reader, key) : null;
    }

    public async Task<ICommandWrite> BeginAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        var write = new PostgresCommandWrite(connection, stream, store);
        try
        {
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("begin"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select es_lock_stream_for_write($1)") { Parameters = { new() { Value = stream.Value } } });
            CommandRead.AddReads(batch, stream, idempotencyKey, snapshotSchemaVersion);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            await write.ReadLockedAsync(reader, idempotencyKey, snapshotSchemaVersion ?? -1, ct);
            return write;
        }
        catch
        {
            await write.DisposeAsync();
            throw;
        }
    }

    public async Task<ICommandWrite> ReadAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default)
    {
        var write = new PostgresOptimisticWrite(dataSource, stream, store);
        // No transaction: the reads may see two moments, but the state is folded from the events alone (snapshot and
        // events are one statement), and an append or deletion after them fails the commit's expected version.
        await using var batch = dataSource.CreateBatch();
        CommandRead.AddReads(batch, stream, idempotencyKey, snapshotSchemaVersion);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await write.ReadAsync(reader, idempotencyKey, snapshotSchemaVersion ?? -1, ct);
        return write;
    }

    internal static IdempotencyRecord ReadKey(NpgsqlDataReader reader, string key) =>
        new(key, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
}
