using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Hosting;
using Serverless.EventSourcing.Samples.Bank.Transfers;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Tests.Sagas;

public class SagaRobustnessTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_step_that_keeps_timing_out_is_compensated()
    {
        var slowTarget = "slow" + BankServices.NewId();
        var slowTransfer = new SagaDefinition<TransferSaga.Input>("slow-transfer")
            .Step("debit", (t, s) => new SagaCommand(t.FromAccount, new AccountCommands.Withdraw(t.Amount, t.Currency, s)),
                undo: (t, s) => new SagaCommand(t.FromAccount, new AccountCommands.Deposit(t.Amount, t.Currency, "refund " + s)))
            .Step("credit", (t, s) => new SagaCommand(t.ToAccount, new AccountCommands.Deposit(t.Amount, t.Currency, s)),
                retry: new SagaRetry(2, TimeSpan.FromMilliseconds(10)), timeout: TimeSpan.FromMilliseconds(150));
        var h = new SagaHarness(db.DataSource, inner => new SlowStreamCommands(inner, $"account-{slowTarget}"), slowTransfer);
        var from = await h.Bank.OpenAsync(deposit: 100);
        await new BankServices(db.DataSource).RunAsync(slowTarget, "open", new { owner = "Slow", currency = "EUR" });

        var saga = await h.StartTransferAsync(from, slowTarget, 40, saga: "slow-transfer");
        await h.RunUntilFinishedAsync([saga]);

        var state = await h.StateAsync(saga);
        Assert.Equal(SagaStatus.Compensated, state.Status);
        Assert.Contains("timed out", state.Reason);
        Assert.Equal(100, (await h.Bank.StateAsync(from)).Balance);
        Assert.Equal(0, (await new BankServices(db.DataSource).StateAsync(slowTarget)).Balance);
    }

    [Fact]
    public async Task Runners_stopped_cleanly_hand_their_sagas_back_at_once_instead_of_leaving_them_to_the_lease()
    {
        var slowTarget = "slow" + BankServices.NewId();
        var h = new SagaHarness(db.DataSource, inner => new SlowStreamCommands(inner, $"account-{slowTarget}"));
        var from = await h.Bank.OpenAsync(deposit: 100);
        await new BankServices(db.DataSource).RunAsync(slowTarget, "open", new { owner = "Slow", currency = "EUR" });
        var saga = await h.StartTransferAsync(from, slowTarget, 40);
        var longLease = new LocalSagaRunner(h.Runs, h.Executor, h.Signal, NullLogger<LocalSagaRunner>.Instance) { Lease = TimeSpan.FromMinutes(5), Poll = TimeSpan.FromMilliseconds(20) };

        using var stop = new CancellationTokenSource();
        var running = longLease.RunAllAsync("clean-stop", 2, stop.Token);
        await WaitForAsync(async () => await LeaseOwnerAsync(saga) is not null);
        stop.Cancel(); // mid-step: the credit to the slow account takes 2 s
        await running;

        Assert.Null(await LeaseOwnerAsync(saga));
        await h.RunUntilFinishedAsync([saga]);
        Assert.Equal(SagaStatus.Completed, (await h.StateAsync(saga)).Status);
        Assert.Equal(60, (await h.Bank.StateAsync(from)).Balance);
    }

    private async Task<string?> LeaseOwnerAsync(Guid saga)
    {
        await using var command = db.DataSource.CreateCommand("select lease_owner from es_saga_runs where saga_id = $1");
        command.Parameters.AddWithValue(saga);
        return await command.ExecuteScalarAsync() as string;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !await condition(); await Task.Delay(10))
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
        }
    }

    [Fact]
    public async Task Money_is_neither_created_nor_destroyed_under_random_transfers_freezes_and_runner_crashes()
    {
        var h = new SagaHarness(db.DataSource);
        var random = new Random(2026);
        var sources = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sources.Add(await h.Bank.OpenAsync(deposit: 200));
        }

        var targetsOnly = new List<string> { await h.Bank.OpenAsync(), await h.Bank.OpenAsync() };
        var everyone = sources.Concat(targetsOnly).ToList();
        var initial = await TotalAsync(h, everyone);

        var sagas = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var from = sources[random.Next(sources.Count)];
            var to = everyone.Where(a => a != from).ElementAt(random.Next(everyone.Count - 1));
            sagas.Add(await h.StartTransferAsync(from, to, random.Next(1, 60)));
        }

        // Runners are killed at random points and restarted; a target is frozen midway.
        for (var round = 0; round < 8; round++)
        {
            using var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(20, 150)));
            var runners = Enumerable.Range(0, 3).Select(r => Task.Run(() => h.Runner.RunAsync($"chaos-{round}-{r}", kill.Token)));
            await Task.WhenAll(runners);
            if (round == 3)
            {
                await h.Bank.RunAsync(targetsOnly[0], "freeze", new { reason = "midway" });
            }
        }

        await h.RunUntilFinishedAsync(sagas, runners: 3);

        var outcomes = new List<SagaStatus>();
        foreach (var saga in sagas)
        {
            outcomes.Add((await h.StateAsync(saga)).Status);
        }

        Assert.All(outcomes, s => Assert.True(s is SagaStatus.Completed or SagaStatus.Compensated, $"saga ended {s}"));
        Assert.Contains(SagaStatus.Completed, outcomes);
        Assert.Contains(SagaStatus.Compensated, outcomes);
        Assert.Equal(initial, await TotalAsync(h, everyone));
    }

    private static async Task<long> TotalAsync(SagaHarness h, IEnumerable<string> accounts)
    {
        var total = 0L;
        foreach (var account in accounts)
        {
            total += (await h.Bank.StateAsync(account)).Balance;
        }

        return total;
    }

    /// <summary>Stalls loading one stream for writing longer than a step's timeout (honouring cancellation, as a slow database would).</summary>
    private sealed class SlowStreamCommands(ICommandStore inner, string slowStream) : ICommandStore
    {
        public Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct = default) => inner.FindAsync(key, ct);

        public async Task<ICommandWrite> BeginAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default)
        {
            if (stream.Value == slowStream)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }

            return await inner.BeginAsync(stream, idempotencyKey, snapshotSchemaVersion, ct);
        }
    }
}
