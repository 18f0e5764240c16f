using Serverless.EventSourcing.Application.Jobs;

namespace Serverless.EventSourcing.Application.Tests.Jobs;

public class SnapshotJobTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    private Task<long[]> SnapshotVersionsAsync(string account) =>
        db.ScalarAsync<long[]>("select coalesce(array_agg(version order by version), '{}') from es_snapshots where stream_id = $1", $"account-{account}");

    [Fact]
    public async Task Only_streams_at_the_threshold_of_snapshotting_aggregate_types_are_snapshotted()
    {
        await db.ExecuteAsync("delete from es_snapshots; update es_streams set snapshot_version = version");
        var h = new JobHarness(db.DataSource, new JobOptions { SnapshotThreshold = 10 });
        var below = await h.AccountWithEventsAsync(9);
        var at = await h.AccountWithEventsAsync(10);
        var above = await h.AccountWithEventsAsync(25);
        var order = StreamId.For("order", BankServices.NewId());
        await h.Bank.Store.AppendAsync(order, ExpectedVersion.NoStream, Enumerable.Range(0, 30).Select(_ => new EventData("Placed", "{}")).ToList());

        var run = await h.Jobs.RunSnapshotJobAsync(default);

        Assert.Equal("completed", run.Status);
        Assert.Equal(2, run.Counts["snapshotted"]);
        Assert.Empty(await SnapshotVersionsAsync(below));
        Assert.Equal(new long[] { 10 }, await SnapshotVersionsAsync(at));
        Assert.Equal(new long[] { 25 }, await SnapshotVersionsAsync(above));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from es_snapshots where stream_id = $1", order.Value));
        Assert.Equal(0, (await h.Jobs.RunSnapshotJobAsync(default)).Counts["snapshotted"]);
    }

    [Fact]
    public async Task A_run_cut_off_mid_batch_is_finished_by_the_next_with_nothing_written_twice_or_lost()
    {
        await db.ExecuteAsync("delete from es_snapshots; update es_streams set snapshot_version = version");
        var accounts = new List<string>();
        var setup = new JobHarness(db.DataSource, new JobOptions { SnapshotThreshold = 5 });
        for (var i = 0; i < 12; i++)
        {
            accounts.Add(await setup.AccountWithEventsAsync(5 + i));
        }

        // Each read of this clock costs a second; a 6-second budget runs out after a few streams.
        var h = new JobHarness(db.DataSource, new JobOptions { SnapshotThreshold = 5, MaxDuration = TimeSpan.FromSeconds(6), BatchSize = 5 }, new TickingClock(TimeSpan.FromSeconds(1)));
        var runs = new List<JobRun>();
        do
        {
            runs.Add(await h.Jobs.RunSnapshotJobAsync(default));
        }
        while (runs[^1].Status == "partial" && runs.Count < 20);

        Assert.True(runs.Count > 2, "the budget must have cut at least two runs short");
        Assert.Equal("completed", runs[^1].Status);
        Assert.Equal(12, runs.Sum(r => r.Counts["snapshotted"]));
        for (var i = 0; i < accounts.Count; i++)
        {
            Assert.Equal(new long[] { 5 + i }, await SnapshotVersionsAsync(accounts[i]));
        }
    }

    [Fact]
    public async Task Two_runs_fired_at_once_do_no_double_work_and_no_error()
    {
        await db.ExecuteAsync("delete from es_snapshots; update es_streams set snapshot_version = version");
        var h = new JobHarness(db.DataSource, new JobOptions { SnapshotThreshold = 3 });
        var accounts = new List<string>();
        for (var i = 0; i < 15; i++)
        {
            accounts.Add(await h.AccountWithEventsAsync(4));
        }

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => h.Jobs.RunSnapshotJobAsync(default))));

        Assert.All(runs, r => Assert.Contains(r.Status, new[] { "completed", "skipped" }));
        Assert.Contains(runs, r => r.Status == "completed");
        Assert.Equal(15, runs.Sum(r => r.Counts.GetValueOrDefault("snapshotted")));
        Assert.Equal(15L, await db.ScalarAsync<long>("select count(*) from es_snapshots"));
        Assert.True(await db.ScalarAsync<long>("select count(*) from es_job_runs where job = 'snapshot' and status in ('completed', 'skipped')") >= 2, "both runs are recorded");
    }
}
