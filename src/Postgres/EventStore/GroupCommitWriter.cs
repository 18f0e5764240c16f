namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>
/// Coalesces appends that arrive while a write is in flight into the next write. Nothing waits on purpose: an append
/// that finds every writer free is written at once (alone); one that finds a writer free while another is busy takes
/// one hop to the thread pool first, so that the appends arriving with it share its transaction; and one that finds
/// every writer busy is written by the first writer to come free, with all the others that queued meanwhile, up to
/// <paramref name="maxAppends"/>. An append therefore waits at most for the transaction before it, and the more
/// callers arrive together, the fewer transactions (round trips, WAL flushes) they need.
/// </summary>
/// <param name="write">Writes one batch and completes every item of it; never throws.</param>
internal sealed class GroupCommitWriter(Func<IReadOnlyList<PendingAppend>, Task> write, int maxAppends, int maxEvents, int writers)
{
    private readonly Lock gate = new();
    private readonly Queue<PendingAppend> queue = new();
    private int running;

    public Task<Store.AppendResult> SubmitAsync(PendingAppend item)
    {
        bool lead;
        var others = false;
        lock (gate)
        {
            queue.Enqueue(item);
            lead = running < writers;
            if (lead)
            {
                others = running > 0;
                running++;
            }
        }

        if (lead)
        {
            _ = DrainAsync(others);
        }

        return item.Completion.Task;
    }

    /// <param name="others">Another writer is busy: appends are arriving together.</param>
    private async Task DrainAsync(bool others)
    {
        if (others)
        {
            // Under load the callers a batch has just answered append again within microseconds. The first of them
            // found a writer free and, taking the queue at once, went alone: 45 % of the transactions at 8 writers
            // (52 % at 32) carried a single append. The hop lets the others queue behind it first; a lone caller,
            // with every writer free, is still written at once. Forced, so that a caller's synchronization context
            // never runs the writer.
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }

        while (Take() is { Count: > 0 } batch)
        {
            await write(batch).ConfigureAwait(false);

            // The callers just answered continue on the thread pool (RunContinuationsAsynchronously), queued ahead
            // of this yield: one that appends again joins the next batch, instead of finding the queue empty, this
            // writer retired, and a free writer to go alone in (which kept batches at two or three appends).
            await Task.Yield();
        }
    }

    /// <summary>The next batch; empty (and this writer retired) when nothing waits.</summary>
    private List<PendingAppend> Take()
    {
        var batch = new List<PendingAppend>();
        List<PendingAppend>? cancelled = null;
        lock (gate)
        {
            var events = 0;
            while (batch.Count < maxAppends && queue.TryPeek(out var next)
                   && (batch.Count == 0 || events + next.Events.Count <= maxEvents))
            {
                queue.Dequeue();
                if (next.Cancellation.IsCancellationRequested)
                {
                    (cancelled ??= []).Add(next);
                    continue;
                }

                batch.Add(next);
                events += next.Events.Count;
            }

            if (batch.Count == 0 && queue.Count == 0)
            {
                running--;
            }
        }

        foreach (var item in cancelled ?? [])
        {
            item.Completion.TrySetCanceled(item.Cancellation);
        }

        return batch;
    }
}
