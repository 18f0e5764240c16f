using Serverless.EventSourcing.Snapshots;

namespace Serverless.EventSourcing.Commands;

public sealed record CommandOptions
{
    /// <summary>Attempts on a concurrency conflict (reload and decide again) when the caller did not pin a version.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);

    public SnapshotPolicy SnapshotPolicy { get; init; } = SnapshotPolicy.Default;
}
