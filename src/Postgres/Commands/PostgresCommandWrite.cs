using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>
/// A command's open transaction on one connection, begun and committed with plain BEGIN/COMMIT so the commit
/// travels in the same batch as the append. An error anywhere in that batch (a taken key, ES006) makes the server
/// skip the rest, COMMIT included; disposing an uncommitted write rolls it back.
/// </summary>
internal sealed class PostgresCommandWrite(NpgsqlConnection connection, StreamId stream, PostgresEventStore store) : ICommandWrite
{
    private const string TakenKey = "ES006";
    private const string RecordSql = "select es_record_command($1, $2, $3, $4)";
    private readonly List<StoredEvent> _events = [];
    private bool _open;

    public IdempotencyRecord? Earlier { get; private set; }

    public long Version { get; private set; }

    public bool IsDeleted { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<StoredEvent> Events => _events;

    internal async Task ReadAsync(NpgsqlDataReader reader, string? key, int snapshotSchemaVersion, CancellationToken ct)
    {
        _open = true;
        // The reader starts at the lock's (empty) result; BEGIN has none.
        await reader.NextResultAsync(ct);
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
                Snapshot = new Snapshot(stream.Value, reader.GetInt64(1), snapshotSchemaVersion, reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5));
                continue;
            }

            // Streams repeat a handful of type names; share one string per run of equal names.
            var type = reader.GetString(2);
            lastType = type == lastType ? lastType : type;
            _events.Add(new StoredEvent(lastType, reader.GetInt64(1), reader.GetInt32(3), reader.GetString(4)));
        }
    }

    public async Task<AppendResult?> CommitAsync(ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var metadata = AppendValidator.Validate(events, store.Limits);
        await using var batch = new NpgsqlBatch(connection);
        var append = new NpgsqlBatchCommand(PostgresEventStore.AppendSql);
        PostgresEventStore.AddAppendParameters(append.Parameters, stream, expected, events, metadata);
        batch.BatchCommands.Add(append);
        if (record is not null)
        {
            batch.BatchCommands.Add(RecordCommand(record));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
        var started = AppendMetrics.Start();
        try
        {
            AppendResult result;
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                result = await PostgresEventStore.ReadAppendResultAsync(reader, events.Count, ct);
                while (await reader.NextResultAsync(ct))
                {
                    // Drain the key record and the commit so their errors surface here.
                }
            }

            _open = false;
            AppendMetrics.Succeeded(started, result, events.Count, committed: true);
            store.Announce(stream, events, metadata, result);
            return result;
        }
        catch (PostgresException ex) when (ex.SqlState == TakenKey)
        {
            return null;
        }
        catch (PostgresException ex)
        {
            var error = StoreErrors.Translate(ex, stream.Value, expected);
            AppendMetrics.Failed(started, error);
            throw error;
        }
    }

    public async Task<bool> CommitRecordAsync(IdempotencyRecord record, CancellationToken ct = default)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { RecordCommand(record), new NpgsqlBatchCommand("commit") } };
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
            _open = false;
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == TakenKey)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_open && connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("rollback", connection);
                await rollback.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // A broken connection: the server has rolled back already, and the pool discards it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static NpgsqlBatchCommand RecordCommand(IdempotencyRecord record) => new(RecordSql)
    {
        Parameters =
        {
            new() { Value = record.Key },
            new() { Value = record.RequestHash },
            new() { Value = record.Result, NpgsqlDbType = NpgsqlDbType.Jsonb },
            new() { Value = record.ExpiresAt },
        },
    };
}
