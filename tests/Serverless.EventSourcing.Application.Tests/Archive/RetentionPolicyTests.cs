using Serverless.EventSourcing.Application.Jobs;
using static Serverless.EventSourcing.Application.Tests.Archive.ArchiveHarness;
using Serverless.EventSourcing.Application.Retention;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Samples.Bank.ReadModels;

namespace Serverless.EventSourcing.Application.Tests.Archive;

/// <summary>Max count, max age and truncate-before: hidden from stream reads at once, removed by cleanup, never breaking an aggregate.</summary>
public class RetentionPolicyTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_stream_policy_hides_events_at_once_and_cleanup_removes_exactly_those()
    {
        var h = await ArchiveHarness.CreateAsync(db, ArchiveHarness.NewCategory());
        var stream = await h.StreamWithEventsAsync(ArchiveHarness.NewCategory(), 20);

        var info = await h.Store.SetPolicyAsync(stream, new StreamPolicy(MaxCount: 5));
        Assert.Equal(5, info!.Policy.MaxCount);
        Assert.Equal([16L, 17, 18, 19, 20], Versions(await h.ReadAllForwardAsync(stream, 2)));
        Assert.Equal([20L, 19, 18, 17, 16], Versions(await h.ReadAllBackwardAsync(stream, 3)));
        Assert.Equal([16L, 17], Versions((await h.Store.ReadStreamAsync(stream, 1, 2)).Events));

        await h.Store.SetPolicyAsync(stream, new StreamPolicy(MaxCount: 5, TruncateBefore: 18));
        Assert.Equal([18L, 19, 20], Versions(await h.ReadAllForwardAsync(stream, 10)));

        // Max age: the first 12 events were written "a day ago".
        await db.ExecuteAsync("update es_events set created_at = created_at - interval '1 day' where stream_id = $1 and stream_version <= 12", stream.Value);
        await h.Store.SetPolicyAsync(stream, new StreamPolicy(MaxAge: TimeSpan.FromHours(1)));
        Assert.Equal(Enumerable.Range(13, 8).Select(v => (long)v), Versions(await h.ReadAllForwardAsync(stream, 3)));
        var visible = await h.ReadAllForwardAsync(stream, 100);

        var run = await h.Jobs.RunCleanupJobAsync(default);
        Assert.Equal("completed", run.Status);
        Assert.True(run.Counts["eventsOutsidePolicyDeleted"] >= 12);
        Assert.Equal(8L, await h.HotCountAsync(stream));
        Assert.Equal(Versions(visible), Versions(await h.ReadAllForwardAsync(stream, 100)));

        // Cleared: what cleanup removed stays removed; nothing else is hidden.
        Assert.True((await h.Store.SetPolicyAsync(stream, StreamPolicy.None))!.Policy.IsEmpty);
        Assert.Equal(Enumerable.Range(13, 8).Select(v => (long)v), Versions(await h.ReadAllForwardAsync(stream, 100)));
    }

    [Fact]
    public async Task Cleanup_drops_archived_segments_the_policy_hides_entirely_and_deletes_their_blobs()
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, category);
        var stream = await h.StreamWithEventsAsync(category, 250);
        await h.Jobs.RunArchiveJobAsync(default);
        var first = await db.ScalarAsync<string>("select blob_name from es_archive_segments where stream_id = $1 and from_version = 1", stream.Value);
        Assert.True((await h.Container.GetBlobClient(first).ExistsAsync()).Value);

        await h.Store.SetPolicyAsync(stream, new StreamPolicy(MaxCount: 60));
        Assert.Equal(Enumerable.Range(191, 60).Select(v => (long)v), Versions(await h.ReadAllForwardAsync(stream, 25)));
        var run = await h.Jobs.RunCleanupJobAsync(default);

        // 1-100 is wholly hidden and goes; 101-200 is partly visible and stays; 201-250 is visible.
        Assert.Equal(1, run.Counts["archivedSegmentsOutsidePolicyDeleted"]);
        Assert.Equal(150L, await h.ArchivedCountAsync(stream));
        Assert.False((await h.Container.GetBlobClient(first).ExistsAsync()).Value);
        Assert.False((await h.Container.GetBlobClient(Serverless.EventSourcing.Archive.ArchiveSegmentFile.ManifestName(first)).ExistsAsync()).Value);
        Assert.Equal(Enumerable.Range(191, 60).Select(v => (long)v), Versions(await h.ReadAllForwardAsync(stream, 25)));
        Assert.DoesNotContain(await h.ReadLogOfAsync(category), e => e.StreamVersion <= 100);
    }

    [Fact]
    public async Task A_category_policy_applies_to_its_streams_and_a_stream_field_overrides_it()
    {
        var category = ArchiveHarness.NewCategory();
        var retention = new RetentionPolicies(new Dictionary<string, StreamPolicy> { [category] = new(MaxCount: 3) });
        var h = await ArchiveHarness.CreateAsync(db, new ArchiveOptions(), retention);
        var a = await h.StreamWithEventsAsync(category, 10);
        var b = await h.StreamWithEventsAsync(category, 10);
        var elsewhere = await h.StreamWithEventsAsync(ArchiveHarness.NewCategory(), 10);
        await h.Store.SetPolicyAsync(b, new StreamPolicy(MaxCount: 6));

        Assert.Equal([8L, 9, 10], Versions(await h.ReadAllForwardAsync(a, 10)));
        Assert.Equal([5L, 6, 7, 8, 9, 10], Versions(await h.ReadAllForwardAsync(b, 10)));
        Assert.Equal(10, (await h.ReadAllForwardAsync(elsewhere, 10)).Count);

        await h.Jobs.RunCleanupJobAsync(default);
        Assert.Equal(3L, await h.HotCountAsync(a));
        Assert.Equal(6L, await h.HotCountAsync(b));
        Assert.Equal(10L, await h.HotCountAsync(elsewhere));
    }

    [Fact]
    public async Task Cleanup_never_removes_an_aggregates_events_above_its_newest_snapshot()
    {
        var retention = new RetentionPolicies(new Dictionary<string, StreamPolicy> { ["account"] = new(MaxCount: 2) });
        var h = await ArchiveHarness.CreateAsync(db, new ArchiveOptions(), retention);
        var id = await h.Bank.OpenAsync(deposit: 100);
        for (var i = 0; i < 5; i++)
        {
            await h.Bank.RunAsync(id, "deposit", new { amount = 10, currency = "EUR" });
        }

        var stream = StreamId.For("account", id);
        var loaded = await h.Bank.Repository.LoadAsync(AccountAggregate.Definition, stream);
        await h.Bank.Snapshots.SaveAsync(loaded.ToSnapshot(DateTimeOffset.UtcNow));
        for (var i = 0; i < 3; i++)
        {
            await h.Bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" });
        }

        await h.Jobs.RunCleanupJobAsync(default);

        // Versions 1..7 are in the snapshot; 8..10 are above it and stay although max count is 2.
        Assert.Equal(3L, await h.HotCountAsync(stream));
        Assert.Equal(153, (await h.Bank.StateAsync(id)).Balance);
        Assert.True((await h.Bank.RunAsync(id, "withdraw", new { amount = 3, currency = "EUR" })).Succeeded);
        Assert.Equal(150, (await h.Bank.StateAsync(id)).Balance);
        Assert.Equal([10L, 11], Versions((await h.Store.ReadStreamAsync(stream, 1, 100)).Events));
    }

    [Fact]
    public void Policies_that_would_break_an_aggregate_or_a_rebuild_are_refused_naming_why()
    {
        var bank = new BankServices(db.DataSource);
        var events = bank.Registry.Events;
        var guard = new RetentionGuard(bank.Registry, [new BalancesProjection(events), new StatementProjection(events)]);

        var projections = guard.Refusal("account", new StreamPolicy(MaxCount: 10));
        Assert.Contains("balances", projections, StringComparison.Ordinal);
        Assert.Contains("statement", projections, StringComparison.Ordinal);
        Assert.Equal(["balances", "statement"], guard.ProjectionsNeeding("account").Order());

        var alone = new RetentionGuard(bank.Registry, []);
        Assert.Null(alone.Refusal("account", new StreamPolicy(MaxCount: 10)));
        Assert.Null(alone.Refusal("account", new StreamPolicy(TruncateBefore: 8), snapshotVersion: 7));
        Assert.Contains("take a snapshot first", alone.Refusal("account", new StreamPolicy(TruncateBefore: 9), snapshotVersion: 7), StringComparison.Ordinal);
        Assert.Null(alone.Refusal("note", new StreamPolicy(TruncateBefore: 1000)));
        Assert.Contains("audit trail", alone.Refusal("audit", new StreamPolicy(MaxAge: TimeSpan.FromDays(365))), StringComparison.Ordinal);
        Assert.Null(guard.Refusal("account", StreamPolicy.None));
        Assert.Throws<InvalidInputException>(() => new StreamPolicy(MaxCount: 0).Validated());
        Assert.Throws<InvalidInputException>(() => new StreamPolicy(TruncateBefore: -1).Validated());
    }

    [Fact]
    public async Task Under_concurrent_appends_every_read_shows_at_most_max_count_newest_events_contiguously()
    {
        var h = await ArchiveHarness.CreateAsync(db, ArchiveHarness.NewCategory());
        var stream = await h.StreamWithEventsAsync(ArchiveHarness.NewCategory(), 5);
        await h.Store.SetPolicyAsync(stream, new StreamPolicy(MaxCount: 10));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await h.Store.AppendAsync(stream, ExpectedVersion.Any, [new EventData("Noted", "{}")]);
            }
        })).ToList();
        var reads = 0;
        while (!stop.IsCancellationRequested)
        {
            var slice = await h.Store.ReadStreamAsync(stream, 1, 100);
            var versions = Versions(slice.Events);
            Assert.True(versions.Count is >= 1 and <= 10, $"row version {slice.Version}: {string.Join(",", versions)}");
            Assert.Equal(Enumerable.Range((int)versions[0], versions.Count).Select(v => (long)v), versions);
            Assert.True(versions[0] >= slice.Version - 9, $"version {slice.Version} showed from {versions[0]}");
            reads++;
        }

        await Task.WhenAll(writers);
        Assert.True(reads > 10);
        await h.Jobs.RunCleanupJobAsync(default);
        Assert.Equal(10L, await h.HotCountAsync(stream));
    }
}
