namespace Serverless.EventSourcing.Postgres.Tests;

public class ConcurrentWritersTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private const int Writers = 16;
    private const int Rounds = 20;

    [Fact]
    public async Task Sixteen_writers_racing_for_each_version_write_it_exactly_once_and_losers_see_the_winner()
    {
        var stream = StoreFixture.NewStream();
        var winners = new List<int>();

        for (var round = 0; round < Rounds; round++)
        {
            var expected = ExpectedVersion.Exactly(round);
            using var start = new Barrier(Writers);
            var attempts = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    var result = await db.Store.AppendAsync(stream, expected, [StoreFixture.Event(amount: writer)]);
                    return (writer, won: true, version: result.NextExpectedVersion);
                }
                catch (WrongExpectedVersionException conflict)
                {
                    return (writer, won: false, version: conflict.CurrentVersion);
                }
            })).ToArray();
            var outcomes = await Task.WhenAll(attempts);

            var won = Assert.Single(outcomes, o => o.won);
            Assert.Equal(round + 1, won.version);
            Assert.All(outcomes.Where(o => !o.won), loser => Assert.Equal(round + 1, loser.version));
            winners.Add(won.writer);
        }

        var slice = await db.Store.ReadStreamAsync(stream, 1, 1000);
        Assert.Equal(Enumerable.Range(1, Rounds).Select(v => (long)v), slice.Events.Select(e => e.StreamVersion));
        Assert.Equal(winners.Select(w => $"{{\"amount\":{w}}}"), slice.Events.Select(e => e.Data));
        Assert.Equal(Rounds, slice.Version);
    }

    [Fact]
    public async Task Free_running_writers_with_exact_versions_never_write_a_version_twice()
    {
        var stream = StoreFixture.NewStream();
        var conflicts = 0;
        var appended = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var info = await db.Store.GetStreamAsync(stream);
                var version = info?.Version ?? 0;
                try
                {
                    await db.Store.AppendAsync(stream, ExpectedVersion.Exactly(version), [StoreFixture.Event()]);
                    Interlocked.Increment(ref appended);
                }
                catch (WrongExpectedVersionException conflict)
                {
                    Assert.True(conflict.CurrentVersion > version, "a conflict reports a version past the one expected");
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var slice = await db.Store.ReadStreamAsync(stream, 1, 10_000);
        Assert.Equal(appended, slice.Events.Count);
        Assert.Equal(Enumerable.Range(1, appended).Select(v => (long)v), slice.Events.Select(e => e.StreamVersion));
        Assert.Equal(Writers * 10, appended + conflicts);
        Assert.True(conflicts > 0, "16 writers on one stream must have collided at least once");
    }

    [Fact]
    public async Task A_read_racing_appends_reports_the_version_of_the_events_it_returns()
    {
        // A reader that takes a read's version as "what I have seen" appends with it as the expected version (a saga
        // runner does exactly that). Had the version come from a later moment than the events, such an append would
        // pass its check on a state that misses events: a saga completed twice, once per racing runner.
        var stream = StoreFixture.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [StoreFixture.Event()]);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var appends = 0;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await db.Store.AppendAsync(stream, ExpectedVersion.Any, [StoreFixture.Event()]);
                Interlocked.Increment(ref appends);
            }
        })).ToArray();

        var reads = 0;
        var inconsistent = new List<string>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = 1L;
            while (!stop.IsCancellationRequested)
            {
                // From a little below the last version seen: the page is small and never empty.
                var slice = await db.Store.ReadStreamAsync(stream, Math.Max(1, seen - 4), 100);
                seen = slice.Version;
                Interlocked.Increment(ref reads);
                if (slice.NextVersion is null && slice.Version != slice.Events[^1].StreamVersion)
                {
                    lock (inconsistent)
                    {
                        inconsistent.Add($"version {slice.Version}, last event {slice.Events[^1].StreamVersion}");
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll([.. writers, .. readers]);

        Assert.True(appends > 100 && reads > 100, $"the race ran ({appends} appends, {reads} reads)");
        Assert.Empty(inconsistent);
    }
}
