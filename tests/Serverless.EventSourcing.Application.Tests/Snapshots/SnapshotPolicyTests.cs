namespace Serverless.EventSourcing.Application.Tests.Snapshots;

public class SnapshotPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_n_events_fires_at_the_threshold_only()
    {
        var policy = new SnapshotPolicy(10, null);

        Assert.False(policy.ShouldSnapshot(9, null, Now));
        Assert.True(policy.ShouldSnapshot(10, null, Now));
        Assert.False(policy.ShouldSnapshot(0, null, Now));
    }

    [Fact]
    public void Time_based_fires_when_the_last_snapshot_is_old_enough_and_something_changed()
    {
        var policy = new SnapshotPolicy(null, TimeSpan.FromMinutes(5));

        Assert.False(policy.ShouldSnapshot(3, Now.AddMinutes(-4), Now));
        Assert.True(policy.ShouldSnapshot(1, Now.AddMinutes(-5), Now));
        Assert.True(policy.ShouldSnapshot(1, null, Now));
        Assert.False(policy.ShouldSnapshot(0, Now.AddHours(-1), Now));
    }

    [Fact]
    public void Hybrid_fires_on_either_rule()
    {
        var policy = new SnapshotPolicy(10, TimeSpan.FromMinutes(5));

        Assert.True(policy.ShouldSnapshot(10, Now, Now));
        Assert.True(policy.ShouldSnapshot(1, Now.AddMinutes(-6), Now));
        Assert.False(policy.ShouldSnapshot(9, Now.AddMinutes(-1), Now));
    }

    [Fact]
    public void Never_never_fires() => Assert.False(SnapshotPolicy.Never.ShouldSnapshot(1_000_000, null, Now));
}
