using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>
/// A command's append, its idempotency record and COMMIT in one batch. An error anywhere in that batch (a taken key,
/// ES006) makes the server skip the rest, COMMIT included; a transaction the batch began is rolled back here, one the
/// caller began is the caller's to roll back.
/// </summary>
internal static class CommandCommit
{
    public const string TakenKey = "ES006";
    private const string RecordSql = "select es_record_command($1, $2, $3, $4)";

    /// <param name="begin">True when the batch opens its own transaction (a command that read without the lock).</param>
    /// <returns>Null when another request recorded the same key meanwhile; nothing was written.</returns>
    public static async Task<AppendResult?> AppendAndRecordAsync(
        NpgsqlConnection connection, bool begin, PostgresEventStore store, StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct)
    {
        var committed = false;
        try
        {
            var result = await AppendAndRecordCoreAsync(connection, begin, store, stream, expected, events, record, ct);
            committed = result is not null;
            return result;
        }
        finally
        {
            if (begin && !committed)
            {
                await RollBackAsync(connection);
            }
        }
    }

    private static async Task<AppendResult?> AppendAndRecordCoreAsync(
        NpgsqlConnection connection, bool begin, PostgresEventStore store, StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        var metadata = AppendValidator.Validate(events, store.Limits);
        await using var batch = new NpgsqlBatch(connection);
        if (begin)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("begin"));
        }

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
            // A lock-free command's conflict is a race it will retry under the lock, not a refusal.
            AppendMetrics.Failed(started, error, begin ? AppendMetrics.CommandRace : AppendMetrics.Append);
            throw error;
        }
    }

    /// <summary>
    /// Records an outcome that wrote no events: <paramref name="batch"/> with the record first (and COMMIT after it
    /// when the caller holds a transaction); false when another request recorded the key meanwhile.
    /// </summary>
    public static async Task<bool> TryRecordAsync(NpgsqlBatch batch, IdempotencyRecord record, bool commit, CancellationToken ct)
    {
        batch.BatchCommands.Add(RecordCommand(record));
        if (commit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("commit"));
        }

        try
        {
            await batch.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == TakenKey)
        {
            return false;
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

    /// <summary>Ends a transaction a failed batch left open; a broken connection has been rolled back by the server already.</summary>
    public static async Task RollBackAsync(NpgsqlConnection connection)
    {
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("rollback", connection);
                await rollback.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
            // The server has rolled back already, and the pool discards the connection.
        }
    }
}
