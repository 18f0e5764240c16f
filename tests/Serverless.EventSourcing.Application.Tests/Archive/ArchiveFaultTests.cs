using Npgsql;
using Serverless.EventSourcing.Application.Jobs;
using static Serverless.EventSourcing.Application.Tests.Archive.ArchiveHarness;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Hosting.Archive;

namespace Serverless.EventSourcing.Application.Tests.Archive;

/// <summary>An archive run stopped at any point, a dead database connection mid-commit, a storage outage and racing appends lose nothing and duplicate nothing.</summary>
public class ArchiveFaultTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    public static TheoryData<ArchiveStep> Steps => [ArchiveStep.BeforeUpload, ArchiveStep.AfterUpload, ArchiveStep.AfterVerify, ArchiveStep.BeforeCommit, ArchiveStep.AfterCommit];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task A_run_stopped_at_any_step_leaves_every_event_readable_exactly_once_and_the_next_run_finishes(ArchiveStep step)
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, category);
        var stream = await h.StreamWithEventsAsync(category, 230);
        var expected = Versions(await h.ReadAllForwardAsync(stream, 1000));

        // The run dies at the step of the second segment: the first is committed, the second half-way.
        var seen = 0;
        h.Archiver.OnStep = (at, segment, ct) => at == step && segment.FromVersion == 101 && seen++ == 0 ? throw new IOException($"process killed at {at}") : Task.CompletedTask;
        var run = await h.Jobs.RunArchiveJobAsync(default);

        Assert.Equal("failed", run.Status);
        Assert.Equal(expected, Versions(await h.ReadAllForwardAsync(stream, 64)));
        Assert.Equal(expected, Versions(await h.ReadLogOfAsync(category)));
        Assert.Equal(230L, await h.HotCountAsync(stream) + await h.ArchivedCountAsync(stream));
        Assert.Equal(step == ArchiveStep.AfterCommit ? 200L : 100L, await h.ArchivedCountAsync(stream));

        h.Archiver.OnStep = null;
        Assert.Equal("completed", (await h.Jobs.RunArchiveJobAsync(default)).Status);
        await AssertWhollyArchivedAsync(h, stream, expected);
    }

    /// <summary>Every event of the stream is in the archive, none in PostgreSQL, and it reads as before, by stream and in the log.</summary>
    private static async Task AssertWhollyArchivedAsync(ArchiveHarness h, StreamId stream, List<long> expected)
    {
        Assert.Equal(0L, await h.HotCountAsync(stream));
        Assert.Equal((long)expected.Count, await h.ArchivedCountAsync(stream));
        Assert.Equal(expected, Versions(await h.ReadAllForwardAsync(stream, 64)));
        Assert.Equal(expected, Versions(await h.ReadLogOfAsync(stream.Category)));
    }

    [Fact]
    public async Task The_database_connection_killed_inside_the_deleting_transaction_changes_nothing()
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, category);
        var stream = await h.StreamWithEventsAsync(category, 40);
        var expected = Versions(await h.ReadAllForwardAsync(stream, 1000));
        h.Archiver.OnStep = async (at, segment, ct) =>
        {
            if (at == ArchiveStep.BeforeCommit)
            {
                // Terminate the backend holding the open transaction (the rows deleted, the manifest row written).
                var killed = await db.ScalarAsync<long>(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() and state = 'idle in transaction' and query like 'insert into es_archive_segments%'");
                Assert.Equal(1L, killed);
            }
        };

        var run = await h.Jobs.RunArchiveJobAsync(default);

        Assert.Equal("failed", run.Status);
        Assert.Equal(40L, await h.HotCountAsync(stream));
        Assert.Equal(0L, await h.ArchivedCountAsync(stream));
        Assert.Equal(0, (await h.Store.GetStreamAsync(stream))!.ArchivedVersion);
        Assert.Equal(expected, Versions(await h.ReadAllForwardAsync(stream, 7)));
    }

    [Fact]
    public async Task With_blob_storage_unreachable_nothing_is_removed_readiness_says_so_and_archived_reads_answer_unavailable()
    {
        var category = ArchiveHarness.NewCategory();
        var good = await ArchiveHarness.CreateAsync(db, category);
        var archived = await good.StreamWithEventsAsync(category, 20);
        await good.Jobs.RunArchiveJobAsync(default);

        // The same container on a port nothing listens on: a real SDK client against a dead endpoint.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var dead = (await AzuriteServer.GetSharedAsync()).ConnectionString.Split(';')
            .Select(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal) ? $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1" : p);
        var h = await ArchiveHarness.CreateAsync(db, new ArchiveOptions { Categories = new HashSet<string> { category }, UntouchedFor = TimeSpan.Zero }, connectionString: string.Join(';', dead));
        var stream = await h.StreamWithEventsAsync(category, 30);

        var run = await h.Jobs.RunArchiveJobAsync(default);

        Assert.Equal("failed", run.Status);
        Assert.Contains("Blob Storage could not be reached", run.Error, StringComparison.Ordinal);
        Assert.Equal(30L, await h.HotCountAsync(stream));
        Assert.Equal(0L, await h.ArchivedCountAsync(stream));
        var ready = await new ArchiveReadinessCheck(h.Storage).CheckAsync(default);
        Assert.False(ready.Healthy);
        Assert.True((await new ArchiveReadinessCheck(good.Storage).CheckAsync(default)).Healthy);
        Assert.Equal(30, (await h.Store.ReadStreamAsync(stream, 1, 100)).Events.Count);
        var error = await Assert.ThrowsAsync<ArchiveUnavailableException>(() => h.Store.ReadStreamAsync(archived, 1, 100));
        Assert.NotNull(new ArchiveOutages().Detect(error));
    }

    [Fact]
    public async Task An_open_append_holding_the_log_horizon_is_waited_for_and_past_the_wait_the_run_stops_partial_with_nothing_moved()
    {
        var category = ArchiveHarness.NewCategory();
        var options = new ArchiveOptions { Categories = new HashSet<string> { category }, UntouchedFor = TimeSpan.Zero, SegmentEvents = 100, HorizonWait = TimeSpan.FromMilliseconds(300) };
        var h = await ArchiveHarness.CreateAsync(db, options);

        // Given an append to another stream left open before the stream's events were written (its xid is lower: the
        // horizon stays below every one of them)
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await h.Store.AppendAsync(tx, StreamId.For("held" + category, "open"), ExpectedVersion.NoStream, [new EventData("Noted", "{}")]);
        var stream = await h.StreamWithEventsAsync(category, 150);
        var expected = Versions(await h.ReadAllForwardAsync(stream, 1000));

        // then a run waits its HorizonWait, stops partial and moves nothing (it used to report "completed", having skipped the stream)
        var stopped = await h.Jobs.RunArchiveJobAsync(default);
        Assert.Equal("partial", stopped.Status);
        Assert.Equal(1L, stopped.Counts["streamsDeferred"]);
        Assert.Equal(0L, stopped.Counts["eventsArchived"]);
        Assert.Equal(150L, await h.HotCountAsync(stream));
        Assert.Equal(0L, await h.ArchivedCountAsync(stream));

        // and a run that is still waiting when the append commits archives the whole stream, in whole segments
        var patient = await ArchiveHarness.CreateAsync(db, options with { HorizonWait = TimeSpan.FromSeconds(60) });
        var run = patient.Jobs.RunArchiveJobAsync(default);
        await Task.Delay(500);
        Assert.False(run.IsCompleted, "the run must wait while the append is open");
        await tx.CommitAsync();
        var done = await run;
        Assert.Equal("completed", done.Status);
        Assert.Equal(2L, done.Counts["segmentsWritten"]);
        await AssertWhollyArchivedAsync(h, stream, expected);
    }

    [Fact]
    public async Task Appends_racing_the_archive_job_lose_nothing_and_duplicate_nothing()
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, new ArchiveOptions { Categories = new HashSet<string> { category }, UntouchedFor = TimeSpan.Zero, SegmentEvents = 25 });
        var streams = new List<StreamId>();
        for (var i = 0; i < 4; i++)
        {
            streams.Add(await h.StreamWithEventsAsync(category, 100));
        }

        using var stop = new CancellationTokenSource();
        var writers = streams.Select(s => Task.Run(async () =>
        {
            var appended = 0;
            while (!stop.IsCancellationRequested)
            {
                await h.Store.AppendAsync(s, ExpectedVersion.Any, [new EventData("Noted", """{"racing":true}""")]);
                appended++;
            }

            return appended;
        })).ToList();
        var runs = new List<JobRun>();
        for (var r = 0; r < 3; r++)
        {
            runs.Add(await h.Jobs.RunArchiveJobAsync(default));
        }

        await stop.CancelAsync();
        var appendedCounts = await Task.WhenAll(writers);

        Assert.All(runs, r => Assert.True(r.Status == "completed", $"{r.Status}: {r.Error}"));
        Assert.True(runs.Sum(r => r.Counts["eventsArchived"]) >= 400);
        for (var i = 0; i < streams.Count; i++)
        {
            var total = 100 + appendedCounts[i];
            Assert.Equal(Enumerable.Range(1, total).Select(v => (long)v).ToList(), Versions(await h.ReadAllForwardAsync(streams[i], 97)));
            Assert.Equal(total, await h.HotCountAsync(streams[i]) + await h.ArchivedCountAsync(streams[i]));
        }

        var log = await h.ReadLogOfAsync(category);
        Assert.Equal(log.Count, log.Select(e => e.GlobalPosition).Distinct().Count());
        Assert.Equal(streams.Count * 100 + appendedCounts.Sum(), log.Count);
    }
}
