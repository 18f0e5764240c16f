namespace Serverless.EventSourcing.Store;

/// <summary>Per-append limits, checked before anything reaches the database.</summary>
public sealed record EventStoreLimits
{
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    public int MaxEventsPerAppend { get; init; } = 1000;

    public int MaxReadLimit { get; init; } = ReadLimits.MaxBatch;
}
