using Serverless.EventSourcing.Snapshots;

namespace Serverless.EventSourcing.Commands;

public sealed record CommandOptions
{
    /// <summary>Attempts on a concurrency conflict (reload and decide again) when the caller did not pin a version.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);

    public SnapshotPolicy SnapshotPolicy { get; init; } = SnapshotPolicy.Default;

    /// <summary>
    /// True: commands read without the stream's lock and append at the version they read (through the store's group
    /// commit); one that loses that race, and every command on its stream for <see cref="ContentionMemory"/>, takes the
    /// lock instead. False (the default): every command takes its stream's lock. That measured 2-9 % faster at 16 and
    /// 64 clients before the benchmark warmed its pools, and within noise after (commands on distinct streams rarely
    /// coalesce); it stays the default as the simpler path, with no wasted decisions and no write races.
    /// </summary>
    public bool OptimisticWrites { get; init; }

    /// <summary>How long a stream that saw a race keeps going straight to the lock.</summary>
    public TimeSpan ContentionMemory { get; init; } = TimeSpan.FromSeconds(10);
}
