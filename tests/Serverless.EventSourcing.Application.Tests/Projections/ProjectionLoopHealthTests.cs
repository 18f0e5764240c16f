using Serverless.EventSourcing.Application.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

public class ProjectionLoopHealthTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task A_loop_that_stops_beating_makes_readiness_fail_and_beating_again_restores_it()
    {
        var clock = new ManualClock();
        var health = new ProjectionLoopHealth(clock) { MaxSilence = TimeSpan.FromSeconds(30) };
        health.Expect("balances");
        health.Beat("balances");
        Assert.True((await health.CheckAsync(default)).Healthy);

        clock.Now += TimeSpan.FromSeconds(31);
        var dead = await health.CheckAsync(default);

        Assert.False(dead.Healthy);
        Assert.Contains("balances", dead.Detail);
        health.Beat("balances");
        Assert.True((await health.CheckAsync(default)).Healthy);
    }

    [Fact]
    public async Task A_loop_that_keeps_failing_is_not_ready_even_while_it_beats()
    {
        var health = new ProjectionLoopHealth(new ManualClock());
        health.Beat("statement", "connection refused");

        var result = await health.CheckAsync(default);

        Assert.False(result.Healthy);
        Assert.Contains("connection refused", result.Detail);
    }
}
