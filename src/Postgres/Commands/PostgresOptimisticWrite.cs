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
internal sealed class PostgresOptimisticWrite(NpgsqlDataSource dataSource, StreamId stream, PostgresEventStore store) : CommandRead(stream, store), ICommandWrite
{
    public async Task<AppendResult?> CommitAsync(ExpectedVersion expected, IReadOnlyList<EventData> events, IdempotencyRecord? record, CancellationToken ct = default)
    {
        if (record is null)
        {
            return await Store.AppendAsync(Stream, expected, events, AppendMetrics.CommandRace, ct);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await CommandCommit.AppendAndRecordAsync(connection, begin: true, Store, Stream, expected, events, record, ct);
    }

    public async Task<bool> CommitRecordAsync(IdempotencyRecord record, CancellationToken ct = default)
    {
        await using var batch = dataSource.CreateBatch();
        return await CommandCommit.TryRecordAsync(batch, record, commit: false, ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
