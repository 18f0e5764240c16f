namespace Serverless.EventSourcing.Application.Jobs;

/// <summary>Limits and retentions of the scheduled jobs. Defaults delete nothing that is not tombstoned or expired.</summary>
public sealed record JobOptions
{
    /// <summary>A run stops starting new work after this long (serverless time limits); the next run continues.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(30);

    public int BatchSize { get; init; } = 100;

    /// <summary>Events since the last snapshot that make a stream due for one.</summary>
    public long SnapshotThreshold { get; init; } = 100;

    public int KeepSnapshotsPerStream { get; init; } = 3;

    public TimeSpan TombstonedStreamRetention { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan DeadLetterRetention { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan SagaStateRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long a run may hold the job before another instance may take over (a crashed run's lease lapses).</summary>
    public TimeSpan Lease => MaxDuration + TimeSpan.FromSeconds(30);
}

/// <param name="Status">completed, partial (the budget ran out; the next run continues), skipped (another run held the job) or failed.</param>
public sealed record JobRun(string Job, string Status, DateTimeOffset StartedAt, double DurationMs, IReadOnlyDictionary<string, long> Counts, string? Error);
