using Npgsql;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Commands;

/// <summary>
/// A command that read without the stream's lock and holds no connection while it decides. Its events go through the
/// store's group commit (or, with an idempotency record, one batch of their own); the append's expected version is
/// the version read, so a writer that came in between makes it fail with <see cref="WrongExpectedVersionException"/>
/// and nothing is written.
/// </summary>
internal sealed class PostgresOptimisticWrite(NpgsqlDataSource dataSource, StreamId stream, PostgresEventStore store) : CommandRead(stream), ICommandWrite
{
    public async Task<AppendResult?> CommitAsync(ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct = default)
    {
        if (record is null)
        {
            return await store.AppendAsync(Stream, expected, events, AppendMetrics.CommandRace, ct);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var result = await CommandCommit.AppendAndRecordAsync(connection, begin: true, store, Stream, expected, events, record, ct);
            if (result is null)
            {
                await CommandCommit.RollBackAsync(connection);
            }

            return result;
        }
        catch
        {
            await CommandCommit.RollBackAsync(connection);
            throw;
        }
    }

    public async Task<bool> CommitRecordAsync(IdempotencyRecord record, CancellationToken ct = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(CommandCommit.RecordCommand(record));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == CommandCommit.TakenKey)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
