using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Tests.Sagas;

public class TransferSagaTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_transfer_debits_then_credits_and_completes()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 100);
        var to = await h.Bank.OpenAsync();

        var saga = await h.StartTransferAsync(from, to, 30);
        await h.RunUntilFinishedAsync([saga]);

        Assert.Equal(SagaStatus.Completed, (await h.StateAsync(saga)).Status);
        Assert.Equal(["SagaStarted", "SagaStepSucceeded", "SagaStepSucceeded", "SagaCompleted"], await h.HistoryAsync(saga));
        Assert.Equal(70, (await h.Bank.StateAsync(from)).Balance);
        Assert.Equal(30, (await h.Bank.StateAsync(to)).Balance);
    }

    [Fact]
    public async Task When_the_credit_fails_the_source_is_refunded()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 100);
        var to = await h.Bank.OpenAsync();
        await h.Bank.RunAsync(to, "freeze", new { reason = "kyc" });

        var saga = await h.StartTransferAsync(from, to, 30);
        await h.RunUntilFinishedAsync([saga]);

        var state = await h.StateAsync(saga);
        Assert.Equal(SagaStatus.Compensated, state.Status);
        Assert.Contains("account_frozen", (await h.Executor.LoadAsync(saga)).History.Single(e => e.Type == "SagaStepFailed").Data);
        Assert.Equal(["SagaStarted", "SagaStepSucceeded", "SagaStepFailed", "SagaCompensationSucceeded", "SagaCompensated"], await h.HistoryAsync(saga));
        Assert.Equal(100, (await h.Bank.StateAsync(from)).Balance);
    }

    [Fact]
    public async Task When_the_debit_fails_there_is_nothing_to_compensate()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 10);
        var to = await h.Bank.OpenAsync();

        var saga = await h.StartTransferAsync(from, to, 30);
        await h.RunUntilFinishedAsync([saga]);

        Assert.Equal(["SagaStarted", "SagaStepFailed", "SagaCompensated"], await h.HistoryAsync(saga));
        Assert.Equal(10, (await h.Bank.StateAsync(from)).Balance);
        Assert.Equal(0, (await h.Bank.StateAsync(to)).Balance);
    }

    [Fact]
    public async Task A_compensation_that_fails_leaves_the_saga_needing_attention_with_the_reason()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 100);
        var to = await h.Bank.OpenAsync();
        var saga = await h.StartTransferAsync(from, to, 30);
        await h.Executor.AdvanceAsync(saga); // the debit happens
        await h.Bank.RunAsync(to, "freeze", new { });
        await h.Bank.RunAsync(from, "freeze", new { }); // and then the refund cannot land

        await h.RunUntilFinishedAsync([saga]);

        var state = await h.StateAsync(saga);
        Assert.Equal(SagaStatus.FailedNeedsAttention, state.Status);
        Assert.Contains("compensation of debit failed", state.Reason);
        Assert.Contains("frozen", state.Reason);
    }

    [Fact]
    public async Task A_crash_after_the_command_committed_but_before_the_history_event_does_not_apply_the_step_twice()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 100);
        var to = await h.Bank.OpenAsync();
        var saga = await h.StartTransferAsync(from, to, 30);

        // The debit's command commits (same idempotency key the executor uses) and the process dies before recording it.
        var debit = await h.Bank.RunAsync(from, "withdraw", new AccountCommands.Withdraw(30, "EUR", $"transfer {saga} to {to}"), key: $"saga-{saga:N}-0-do");
        Assert.True(debit.Succeeded);

        await h.RunUntilFinishedAsync([saga]);

        Assert.Equal(SagaStatus.Completed, (await h.StateAsync(saga)).Status);
        Assert.Equal(70, (await h.Bank.StateAsync(from)).Balance);
        Assert.Equal(30, (await h.Bank.StateAsync(to)).Balance);
    }

    [Fact]
    public async Task Racing_runners_run_every_step_exactly_once()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 1000);
        var to = await h.Bank.OpenAsync();
        var sagas = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            sagas.Add(await h.StartTransferAsync(from, to, 7));
        }

        // Several runners, plus direct advances racing them on the same sagas.
        var racers = sagas.Select(s => Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                await h.Executor.AdvanceAsync(s);
            }
        }));
        await Task.WhenAll([.. racers, h.RunUntilFinishedAsync(sagas, runners: 4)]);

        foreach (var saga in sagas)
        {
            Assert.Equal(["SagaStarted", "SagaStepSucceeded", "SagaStepSucceeded", "SagaCompleted"], await h.HistoryAsync(saga));
        }

        Assert.Equal(1000 - (20 * 7), (await h.Bank.StateAsync(from)).Balance);
        Assert.Equal(20 * 7, (await h.Bank.StateAsync(to)).Balance);
    }

    [Fact]
    public async Task Starting_with_the_same_idempotency_key_twice_starts_one_saga()
    {
        var h = new SagaHarness(db.DataSource);
        var from = await h.Bank.OpenAsync(deposit: 100);
        var to = await h.Bank.OpenAsync();
        var key = Guid.NewGuid().ToString();

        var first = await h.StartTransferAsync(from, to, 5, key);
        var second = await h.StartTransferAsync(from, to, 5, key);
        var reused = await Assert.ThrowsAsync<InvalidInputException>(() => h.StartTransferAsync(from, to, 6, key));

        Assert.Equal(first, second);
        Assert.Equal("Idempotency-Key", reused.Field);
    }

    [Fact]
    public async Task Invalid_transfers_are_rejected_before_anything_starts()
    {
        var h = new SagaHarness(db.DataSource);

        Assert.Equal("toAccount", (await Assert.ThrowsAsync<InvalidInputException>(() => h.StartTransferAsync("a", "a", 5))).Field);
        Assert.Equal("amount", (await Assert.ThrowsAsync<InvalidInputException>(() => h.StartTransferAsync("a", "b", 0))).Field);
    }
}
