namespace Serverless.EventSourcing.Snapshots;

/// <summary>
/// When to snapshot: every <see cref="EveryEvents"/> events since the last snapshot, when the last one
/// is older than <see cref="MaxAge"/>, or either (hybrid) when both are set. Null disables a rule.
/// </summary>
public sealed record SnapshotPolicy(int? EveryEvents, TimeSpan? MaxAge)
{
    public static SnapshotPolicy Default { get; } = new(100, null);

    public static SnapshotPolicy Never { get; } = new(null, null);

    public bool ShouldSnapshot(long eventsSinceSnapshot, DateTimeOffset? lastSnapshotAt, DateTimeOffset now)
    {
        if (eventsSinceSnapshot <= 0)
        {
            return false;
        }

        var byCount = EveryEvents is { } n && eventsSinceSnapshot >= n;
        var byAge = MaxAge is { } age && (lastSnapshotAt is null || now - lastSnapshotAt.Value >= age);
        return byCount || byAge;
    }
}
