using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

/// <summary>
/// Rebuilds while writers append and the live loops run: every rebuild completes (transient failures are retried,
/// never left failed) and the swapped-in model equals a from-scratch fold of every aggregate.
/// </summary>
public class RebuildUnderLoadTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task Rebuilds_with_eight_writers_and_live_loops_running_complete_and_equal_a_fold_of_the_aggregates()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        var accounts = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            accounts.Add(await h.Bank.OpenAsync(deposit: 1000));
        }

        for (var round = 0; round < 5; round++)
        {
            using var stop = new CancellationTokenSource();
            var random = new Random(round);
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WriteAsync(h, accounts, new Random(round * 10 + w), stop.Token))).ToList();
            var live = h.Projections.Select(p => Task.Run(() => FollowAsync(h, p.Name, stop.Token))).ToList();
            await Task.Delay(random.Next(20, 200));

            // When a rebuild runs in steps of varying size while both go on
            Assert.True(await h.Rebuilder.StartAsync("balances"));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await h.Rebuilder.StepAsync("balances", TimeSpan.FromMilliseconds(random.Next(0, 50))))
            {
                Assert.True(DateTime.UtcNow < deadline, "the rebuild did not finish");
            }

            await stop.CancelAsync();
            await Task.WhenAll(writers.Concat(live));

            // then it completed, and after catching up the model equals every aggregate's state
            Assert.Equal("completed", await db.ScalarAsync<string>("select status from es_projection_rebuilds where name = 'balances'"));
            await h.CatchUpAllAsync();
            foreach (var id in accounts)
            {
                var state = await h.Bank.StateAsync(id);
                Assert.Equal(state.Balance, await h.BalanceAsync(id));
            }
        }
    }

    private static async Task WriteAsync(ProjectionHarness h, List<string> accounts, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = accounts[random.Next(accounts.Count)];
            await h.Bank.RunAsync(id, random.Next(3) == 0 ? "withdraw" : "deposit", new { amount = random.Next(1, 5), currency = "EUR" });
            // Paced, so five rounds of rebuilds over the growing log stay short; the writers still overlap every step.
            await Task.Delay(random.Next(2, 10), CancellationToken.None);
        }
    }

    private static async Task FollowAsync(ProjectionHarness h, string name, CancellationToken stop)
    {
        var projection = h.Dispatcher.Find(name);
        while (!stop.IsCancellationRequested)
        {
            if (await h.CatchUp.StepAsync(projection) == 0)
            {
                await Task.Delay(5);
            }
        }
    }
}
