namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>
/// Coalesces appends that arrive while a write is in flight into the next write. Nothing waits on purpose: an append
/// that finds every writer free is written at once (alone); one that finds a writer free while another is busy takes
/// one hop to the thread pool first, so that the appends arriving with it share its transaction; one that finds a
/// writer answering its callers is taken by that writer next; and one that finds every writer busy is written by the
/// first writer to come free, with all the others that queued meanwhile, up to <paramref name="maxAppends"/>. An
/// append therefore waits at most for the transaction before it, and the more callers arrive together, the fewer
/// transactions (round trips, WAL flushes) they need.
/// </summary>
/// <param name="write">
/// Writes one batch and completes every item of it; never throws. It calls the action it is given once its transaction
/// is over and before it answers the callers, so the appends they make next wait for this writer's next batch.
/// </param>
internal sealed class GroupCommitWriter(Func<IReadOnlyList<PendingAppend>, Action, Task> write, int maxAppends, int maxEvents, int writers)
{
    private readonly Lock gate = new();
    private readonly Queue<PendingAppend> queue = new();
    private int running;

    /// <summary>Writers whose transaction is over and whose callers are being answered: each takes the queue next.</summary>
    private int answering;

    /// <summary>
    /// Whether a free writer may start (under <see cref="gate"/>): only while every running one is on the wire. A writer
    /// answering its callers takes the queue right after: under load the callers it has just answered append again
    /// within microseconds, and the first of them, finding the other writer free, went alone (46 % of the transactions
    /// at 8 writers), even after a hop to the thread pool.
    /// </summary>
    private bool WriterFree => running < writers && answering == 0;

    public Task<Store.AppendResult> SubmitAsync(PendingAppend item)
    {
        bool lead;
        var others = false;
        lock (gate)
        {
            queue.Enqueue(item);
            lead = WriterFree;
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
            // The hop lets the appends arriving with this one queue behind it first; a lone caller, with every writer
            // free, is still written at once. Forced, so that a caller's synchronization context never runs the writer.
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }

        var slot = new Slot(this);
        Action land = slot.Land;
        while (Take(slot) is { Count: > 0 } batch)
        {
            await write(batch, land).ConfigureAwait(false);

            // The callers just answered continue on the thread pool (RunContinuationsAsynchronously), queued ahead
            // of this yield: one that appends again joins the next batch.
            await Task.Yield();
        }
    }

    /// <summary>The next batch; empty (and this writer retired) when nothing waits.</summary>
    private List<PendingAppend> Take(Slot slot)
    {
        var batch = new List<PendingAppend>();
        List<PendingAppend>? cancelled = null;
        var another = false;
        lock (gate)
        {
            if (slot.Answering)
            {
                slot.Answering = false;
                answering--;
            }

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
            else if (queue.Count > 0 && WriterFree)
            {
                // More than one batch waits (appends queued while this writer answered): a free writer takes the rest.
                running++;
                another = true;
            }
        }

        foreach (var item in cancelled ?? [])
        {
            item.Completion.TrySetCanceled(item.Cancellation);
        }

        if (another)
        {
            _ = DrainAsync(others: true);
        }

        return batch;
    }

    /// <summary>One writer's state: whether its transaction is over and its callers are being answered.</summary>
    private sealed class Slot(GroupCommitWriter owner)
    {
        public bool Answering;

        public void Land()
        {
            lock (owner.gate)
            {
                if (!Answering)
                {
                    Answering = true;
                    owner.answering++;
                }
            }
        }
    }
}
