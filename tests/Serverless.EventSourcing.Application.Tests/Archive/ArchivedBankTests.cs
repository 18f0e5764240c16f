using Serverless.EventSourcing.Application.Tests.Projections;

namespace Serverless.EventSourcing.Application.Tests.Archive;

/// <summary>The bank with half its accounts archived: read models rebuild to the same content, and the archived accounts keep working.</summary>
public class ArchivedBankTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_rebuild_from_half_archived_history_equals_the_one_from_full_history_and_archived_accounts_still_take_commands()
    {
        var h = await ArchiveHarness.CreateAsync(db, new Serverless.EventSourcing.Application.Jobs.ArchiveOptions { Categories = new HashSet<string> { "account" }, UntouchedFor = TimeSpan.FromDays(1), SegmentEvents = 7 });
        var p = new ProjectionHarness(db, h.Bank);
        await p.Dispatcher.RegisterAsync();
        var ids = new List<string>();
        for (var a = 0; a < 10; a++)
        {
            ids.Add(await h.Bank.OpenAsync(deposit: 500));
        }

        var random = new Random(11);
        for (var m = 0; m < 200; m++)
        {
            var id = ids[random.Next(ids.Count)];
            await h.Bank.RunAsync(id, random.Next(3) == 0 ? "withdraw" : "deposit", new { amount = random.Next(1, 20), currency = "EUR", reference = $"m{m}" });
        }

        await p.CatchUpAllAsync();
        var full = await p.DumpAsync();
        await RebuildAllAsync(p);
        Assert.Equal(full, await p.DumpAsync());
        var states = new Dictionary<string, AccountState>();
        foreach (var id in ids)
        {
            states[id] = await h.Bank.StateAsync(id);
        }

        // Half the accounts untouched for two days: those are archived (a snapshot is taken first, then every event goes).
        var old = ids.Take(5).ToList();
        foreach (var id in old)
        {
            await db.ExecuteAsync("update es_streams set updated_at = now() - interval '2 days' where stream_id = $1", $"account-{id}");
        }

        var run = await h.Jobs.RunArchiveJobAsync(default);
        Assert.Equal("completed", run.Status);
        Assert.Equal(5, run.Counts["streamsArchived"]);
        foreach (var id in ids)
        {
            var stream = StreamId.For("account", id);
            Assert.Equal(old.Contains(id) ? 0L : (await h.Store.GetStreamAsync(stream))!.Version, await h.HotCountAsync(stream));
        }

        await RebuildAllAsync(p);
        Assert.Equal(full, await p.DumpAsync());
        foreach (var id in ids)
        {
            Assert.Equal(states[id].Balance, (await h.Bank.StateAsync(id)).Balance);
        }

        // As of an archived version, and without the snapshot: the fold reads the archive.
        var first = old[0];
        var version = (await h.Store.GetStreamAsync(StreamId.For("account", first)))!.Version;
        Assert.Equal(500, (await h.Bank.StateAsync(first, asOfVersion: 2)).Balance);
        await db.ExecuteAsync("delete from es_snapshots where stream_id = $1", $"account-{first}");
        Assert.Equal(states[first].Balance, (await h.Bank.StateAsync(first)).Balance);

        // Commands on an archived account: decided on the archived history, appended after it.
        var deposit = await h.Bank.RunAsync(first, "deposit", new { amount = 7, currency = "EUR" });
        Assert.True(deposit.Succeeded);
        Assert.Equal(version + 1, deposit.Version);
        Assert.Equal(states[first].Balance + 7, (await h.Bank.StateAsync(first)).Balance);
        await p.CatchUpAllAsync();
        Assert.Equal(states[first].Balance + 7, await p.BalanceAsync(first));
    }

    private static async Task RebuildAllAsync(ProjectionHarness p)
    {
        foreach (var projection in p.Projections)
        {
            Assert.True(await p.Rebuilder.StartAsync(projection.Name));
            while (await p.Rebuilder.StepAsync(projection.Name, TimeSpan.FromSeconds(5)))
            {
            }
        }

        await p.CatchUpAllAsync();
    }
}
