using Npgsql;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

public sealed partial class PostgresEventStore
{
    private GroupCommitWriter? groupCommit;

    /// <summary>Null when group commit is off (<see cref="EventStoreLimits.MaxAppendsPerTransaction"/> 1).</summary>
    private GroupCommitWriter? writer => limits.MaxAppendsPerTransaction <= 1
        ? null
        : LazyInitializer.EnsureInitialized(ref groupCommit, () => new GroupCommitWriter(
            WriteBatchAsync, limits.MaxAppendsPerTransaction, limits.MaxEventsPerAppend, Math.Max(1, limits.GroupCommitWriters)));

    /// <summary>Writes one coalesced batch and answers each of its callers; never throws.</summary>
    /// <param name="landed">Called once the transaction is over, right before its callers are answered.</param>
    private async Task WriteBatchAsync(IReadOnlyList<PendingAppend> batch, Action landed)
    {
        if (batch.Count == 1)
        {
            await WriteAloneAsync(batch[0], landed);
            return;
        }

        Telemetry.AppendBatchSize.Record(batch.Count);
        AppendOutcome[] outcomes;
        try
        {
            await using var command = dataSource.CreateCommand(AppendBatch.Sql);
            AppendBatch.AddParameters(command.Parameters, batch, wait: false);
            // Not the callers' tokens: once the batch is sent, every item's outcome is delivered.
            outcomes = await AppendBatch.ExecuteAsync(command, batch, CancellationToken.None);
        }
        catch (PostgresException ex) when (!PostgresOutages.IsOutage(ex))
        {
            // Something the batch could not isolate to one item: each is written alone, for an answer of its own.
            await Task.WhenAll(batch.Select(item => WriteAloneAsync(item)));
            return;
        }
        catch (Exception ex)
        {
            // The transaction failed as a whole (the server went away, the connection broke): nothing of the batch was
            // committed, and each caller may retry its append with the same event ids.
            landed();
            foreach (var item in batch)
            {
                AppendMetrics.Failed(item.Started, ex, item.ConflictSource);
                item.Completion.TrySetException(ex);
            }

            return;
        }

        landed();
        for (var i = 0; i < batch.Count; i++)
        {
            var (item, outcome) = (batch[i], outcomes[i]);
            if (outcome.Busy)
            {
                // Its stream is held by another transaction: waiting for it here would stall the writer.
                _ = WriteAloneAsync(item);
            }
            else if (outcome.Error is { } error)
            {
                AppendMetrics.Failed(item.Started, error, item.ConflictSource);
                item.Completion.TrySetException(error);
            }
            else
            {
                var result = outcome.Result!;
                AppendMetrics.Succeeded(item.Started, result, item.Events.Count, committed: true);
                Announce(item.Stream, item.Events, item.Metadata, result);
                item.Completion.TrySetResult(result);
            }
        }
    }

    /// <param name="landed">Called, when given, once the append's transaction is over and before its caller is answered.</param>
    private async Task WriteAloneAsync(PendingAppend item, Action? landed = null)
    {
        AppendResult? result = null;
        Exception? error = null;
        try
        {
            result = await AppendCoreAsync(
                dataSource.CreateCommand(AppendSql), item.Stream, item.Expected, item.Events, item.Metadata, committed: true, item.Cancellation, item.ConflictSource);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        landed?.Invoke();
        if (result is not null)
        {
            item.Completion.TrySetResult(result);
        }
        else if (error is OperationCanceledException && item.Cancellation.IsCancellationRequested)
        {
            item.Completion.TrySetCanceled(item.Cancellation);
        }
        else
        {
            item.Completion.TrySetException(error!);
        }
    }
}
