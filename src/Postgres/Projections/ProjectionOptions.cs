namespace Serverless.EventSourcing.Postgres.Projections;

public sealed record ProjectionOptions
{
    /// <summary>Tries per event before it is parked (each try after the first waits twice as long).</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Log events per catch-up transaction. Larger batches write each stream's checkpoint once per batch
    /// instead of once per event run: measured 17.6k events/s at 5,000 and 20.9k at 10,000 (the read limit).
    /// </summary>
    public int BatchSize { get; init; } = Store.ReadLimits.MaxBatch;

    /// <summary>An append open this long holds every log reader back: status and readiness name it.</summary>
    public TimeSpan HorizonAlert { get; init; } = TimeSpan.FromSeconds(10);
}
