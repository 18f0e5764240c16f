namespace Serverless.EventSourcing.Store;

/// <summary>Per-append limits, checked before anything reaches the database.</summary>
public sealed record EventStoreLimits
{
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    public int MaxEventsPerAppend { get; init; } = 1000;

    public int MaxReadLimit { get; init; } = ReadLimits.MaxBatch;

    /// <summary>
    /// Group commit: the most appends one transaction writes when callers arrive together (1 turns it off). Plain ones
    /// share one subtransaction and each other one runs in its own, so a batch takes at most one more than this, and
    /// PostgreSQL keeps 64 subtransactions per backend in shared memory before every snapshot must look further: this
    /// stays below 63.
    /// </summary>
    public int MaxAppendsPerTransaction { get; init; } = 32;

    /// <summary>How many group-commit transactions one store instance keeps in flight at once.</summary>
    public int GroupCommitWriters { get; init; } = 2;

    /// <summary>The most streams one multi-stream append may touch.</summary>
    public int MaxStreamsPerAppend { get; init; } = 100;
}
