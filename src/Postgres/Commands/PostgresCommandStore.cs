using Npgsql;
using NpgsqlTypes;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>Idempotency keys in <c>es_idempotency_keys</c>, committed with the command's events.</summary>
public sealed class PostgresCommandStore(NpgsqlDataSource dataSource, PostgresEventStore store) : ICommandStore
{
    // An expired key may be taken over; a live one never is.
    private const string InsertKeySql =
        "insert into es_idempotency_keys (key, request_hash, result, expires_at) values ($1, $2, $3, $4) " +
        "on conflict (key) do update set request_hash = excluded.request_hash, result = excluded.result, created_at = now(), expires_at = excluded.expires_at " +
        "where es_idempotency_keys.expires_at <= now() returning key";

    public async Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "select request_hash, result::text, expires_at from es_idempotency_keys where key = $1 and expires_at > now()");
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new IdempotencyRecord(key, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    public async Task<AppendResult?> AppendWithKeyAsync(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord record, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await store.AppendAsync(tx, stream, expected, events, ct);
        if (!await InsertKeyAsync(connection, tx, record, ct))
        {
            await tx.RollbackAsync(ct);
            return null;
        }

        await tx.CommitAsync(ct);
        store.Signal?.Pulse();
        return result;
    }

    public async Task<bool> RecordAsync(IdempotencyRecord record, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await InsertKeyAsync(connection, null, record, ct);
    }

    private static async Task<bool> InsertKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IdempotencyRecord record, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(InsertKeySql, connection, tx);
        command.Parameters.AddWithValue(record.Key);
        command.Parameters.AddWithValue(record.RequestHash);
        command.Parameters.Add(new() { Value = record.Result, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.AddWithValue(record.ExpiresAt);
        return await command.ExecuteScalarAsync(ct) is not null;
    }
}
