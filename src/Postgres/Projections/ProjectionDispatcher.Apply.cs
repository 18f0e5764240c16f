using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.Projections;

public sealed partial class ProjectionDispatcher
{
    /// <param name="careful">Savepoint and retry each event, parking the ones that keep failing (after the fast path failed).</param>
    private async Task<ApplyOutcome> ApplyInTransactionAsync(IProjection projection, ProjectionTarget target, ApplyBatch batch, bool careful, CancellationToken ct)
    {
        await using var run = await ApplyTransaction.BeginAsync(dataSource, projection, target, ct);
        var outcome = await ApplyWithinAsync(run, projection, target, batch, careful, ct);
        if (outcome.Lost)
        {
            await run.Transaction.RollbackAsync(ct);
        }
        else
        {
            await run.Transaction.CommitAsync(ct);
        }

        return outcome;
    }

    /// <summary>Applies a batch in <paramref name="run"/> without committing it; <see cref="ApplyOutcome.Lost"/> when the cursor had moved.</summary>
    private async Task<ApplyOutcome> ApplyWithinAsync(ApplyTransaction run, IProjection projection, ProjectionTarget target, ApplyBatch batch, bool careful, CancellationToken ct)
    {
        if (run.Refused)
        {
            return new ApplyOutcome(0, 0, Stopped: true, Lost: false);
        }

        var session = new PostgresReadModelSession(run.Connection, run.Transaction, deferWrites: !careful, target.Tables);
        IEventApplier applier = careful ? new CarefulApplier(projection, session, run, options, logger) : new FastApplier(projection, session);
        var streams = batch.Events.Where(e => target.Follows(projection, e)).Select(e => e.StreamId).Distinct().ToArray();
        var checkpoints = await run.LoadCheckpointsAsync(streams, ct);
        var progress = await ApplyEventsAsync(projection, target, batch, checkpoints, applier, ct);
        await session.FlushAsync(ct);
        await run.SaveCheckpointsAsync(checkpoints, ct);
        var lost = batch.Cursors is not null && progress.Consumed > 0 && !await run.MoveCursorAsync(batch.From, progress.Reached, progress.Followed, ct);
        return lost ? new ApplyOutcome(0, 0, Stopped: false, Lost: true) : new ApplyOutcome(progress.Applied, progress.Parked, progress.Stopped, Lost: false);
    }

    /// <summary>Walks the batch in order: each followed event past its stream's checkpoint is applied (after healing a jump).</summary>
    private async Task<ApplyProgress> ApplyEventsAsync(
        IProjection projection, ProjectionTarget target, ApplyBatch batch, Dictionary<string, long> checkpoints, IEventApplier applier, CancellationToken ct)
    {
        var progress = new ApplyProgress(batch.From, 0, 0, 0, 0, false);
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            var follows = target.Follows(projection, e);
            if (follows && e.StreamVersion > checkpoints.GetValueOrDefault(e.StreamId))
            {
                foreach (var next in await PendingAsync(projection, target, e, checkpoints.GetValueOrDefault(e.StreamId), ct))
                {
                    var result = await applier.ApplyAsync(next, ct);
                    if (result == EventResult.Stopped)
                    {
                        return progress with { Stopped = true };
                    }

                    progress = progress with
                    {
                        Applied = progress.Applied + (result == EventResult.Applied ? 1 : 0),
                        Parked = progress.Parked + (result == EventResult.Parked ? 1 : 0),
                    };
                    checkpoints[e.StreamId] = next.StreamVersion;
                }
            }

            progress = progress with
            {
                Reached = batch.Cursors?[i] ?? progress.Reached,
                Consumed = i + 1,
                Followed = progress.Followed + (follows ? 1 : 0),
            };
        }

        return progress;
    }

    /// <summary>The event, preceded by whatever the stream's checkpoint says is missing before it (a jump in delivery).</summary>
    private async Task<IReadOnlyList<EventEnvelope>> PendingAsync(IProjection projection, ProjectionTarget target, EventEnvelope e, long checkpoint, CancellationToken ct)
    {
        if (e.StreamVersion == checkpoint + 1)
        {
            return [e];
        }

        // Healed events pass the same filter: a rebuild of a time range must not pull earlier versions back in.
        var missing = new List<EventEnvelope>();
        var stream = StreamId.Parse(e.StreamId);
        for (var from = checkpoint + 1; from < e.StreamVersion;)
        {
            var slice = await store.ReadStreamAsync(stream, from, (int)Math.Min(e.StreamVersion - from, 1000), ReadDirection.Forward, ct);
            missing.AddRange(slice.Events.Where(m => m.StreamVersion < e.StreamVersion && target.Follows(projection, m)));
            if (slice.Events.Count == 0)
            {
                break;
            }

            from = slice.Events[^1].StreamVersion + 1;
        }

        logger.LogInformation("Healed a gap in {StreamId}: fetched versions {From}..{To} from the store", e.StreamId, checkpoint + 1, e.StreamVersion - 1);
        return [.. missing, e];
    }
}
