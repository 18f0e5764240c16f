using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

public class CatchUpAndRebuildTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_catch_up_killed_mid_batch_again_and_again_ends_equal_to_a_from_scratch_rebuild()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        await SeedAsync(h, accounts: 12, movements: 30);

        // Kill the subscription at random moments while it works: each kill aborts its open transaction.
        var random = new Random(42);
        for (var kill = 0; kill < 15; kill++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(1, 40)));
            try
            {
                await Task.WhenAll(h.Projections.Select(p => Task.Run(async () =>
                {
                    while (await h.CatchUp.StepAsync(p, cts.Token) > 0)
                    {
                    }
                })));
            }
            catch (Exception ex) when (ex is OperationCanceledException || ex.InnerException is OperationCanceledException || ex is Npgsql.NpgsqlException)
            {
            }
        }

        // Restart: run to the end.
        await h.CatchUpAllAsync();
        var incremental = await h.DumpAsync();

        foreach (var projection in h.Projections)
        {
            Assert.True(await h.Rebuilder.StartAsync(projection.Name));
            while (await h.Rebuilder.StepAsync(projection.Name, TimeSpan.FromSeconds(5)))
            {
            }
        }

        // Anything the rebuild could not see yet (horizon held by other tests) flows in through the live path.
        await h.CatchUpAllAsync();
        Assert.Equal(incremental, await h.DumpAsync());
        Assert.Contains("|", incremental);
    }

    [Fact]
    public async Task A_rebuild_builds_a_shadow_while_the_live_model_keeps_updating_then_swaps_in_the_same_result()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        var ids = await SeedAsync(h, accounts: 6, movements: 20);
        await h.CatchUpAllAsync();
        var before = await h.DumpAsync();

        Assert.True(await h.Rebuilder.StartAsync("balances"));
        Assert.False(await h.Rebuilder.StartAsync("balances"));
        Assert.True(await h.Rebuilder.StepAsync("balances", TimeSpan.Zero));

        // While the rebuild is mid-way, the live projection is complete and keeps moving.
        Assert.Equal(before, await h.DumpAsync());
        await h.Bank.RunAsync(ids[0], "deposit", new { amount = 1000, currency = "EUR" });
        await h.CatchUpAllAsync();
        var liveBalance = await h.BalanceAsync(ids[0]);

        while (await h.Rebuilder.StepAsync("balances", TimeSpan.FromSeconds(5)))
        {
        }

        Assert.Equal(liveBalance, await h.BalanceAsync(ids[0]));
        Assert.Equal("completed", await db.ScalarAsync<string>("select status from es_projection_rebuilds where name = 'balances'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pg_tables where tablename like '%__rebuild'"));
        // Events after the swap still flow into the swapped-in table, once.
        await h.Bank.RunAsync(ids[0], "deposit", new { amount = 1, currency = "EUR" });
        await h.CatchUpAllAsync();
        await h.CatchUpAllAsync();
        Assert.Equal(liveBalance + 1, await h.BalanceAsync(ids[0]));
    }

    private static async Task<List<string>> SeedAsync(ProjectionHarness h, int accounts, int movements)
    {
        var ids = new List<string>();
        for (var a = 0; a < accounts; a++)
        {
            ids.Add(await h.Bank.OpenAsync(deposit: 500));
        }

        var random = new Random(7);
        for (var m = 0; m < movements * accounts; m++)
        {
            var id = ids[random.Next(ids.Count)];
            await h.Bank.RunAsync(id, random.Next(3) == 0 ? "withdraw" : "deposit", new { amount = random.Next(1, 20), currency = "EUR", reference = $"m{m}" });
        }

        return ids;
    }
}
