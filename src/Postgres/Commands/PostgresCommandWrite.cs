using Npgsql;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>
/// A command's open transaction on one connection, holding the stream's write lock, begun and committed with plain
/// BEGIN/COMMIT so the commit travels in the same batch as the append. Disposing an uncommitted write rolls it back.
/// </summary>
internal sealed class PostgresCommandWrite(NpgsqlConnection connection, StreamId stream, PostgresEventStore store) : CommandRead(stream, store), ICommandWrite
{
    private bool _open;

    internal async Task ReadLockedAsync(NpgsqlDataReader reader, string? key, int snapshotSchemaVersion, CancellationToken ct)
    {
        _open = true;
        // The reader starts at the lock's (empty) result; BEGIN has none.
        await reader.NextResultAsync(ct);
        await ReadAsync(reader, key, snapshotSchemaVersion, ct);
    }

    public async Task<AppendResult?> CommitAsync(ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct = default)
    {
        var result = await CommandCommit.AppendAndRecordAsync(connection, begin: false, Store, Stream, expected, events, record, ct);
        _open = result is null;
        return result;
    }

    public async Task<bool> CommitRecordAsync(IdempotencyRecord record, CancellationToken ct = default)
    {
        await using var batch = new NpgsqlBatch(connection);
        var recorded = await CommandCommit.TryRecordAsync(batch, record, commit: true, ct);
        _open = !recorded;
        return recorded;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_open)
            {
                await CommandCommit.RollBackAsync(connection);
            }
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
