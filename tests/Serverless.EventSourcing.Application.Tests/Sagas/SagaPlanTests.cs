using System.Text.Json;
using Serverless.EventSourcing.Samples.Bank.Transfers;
using Serverless.EventSourcing.Sagas;
using static Serverless.EventSourcing.Sagas.SagaEvents;

namespace Serverless.EventSourcing.Application.Tests.Sagas;

/// <summary>The transfer saga's definition and the planner, with no engine and no database.</summary>
public class SagaPlanTests
{
    private static readonly JsonElement Input = JsonSerializer.SerializeToElement(new TransferSaga.Input("a", "b", 10, "EUR"), EventJson.Options);

    private static SagaAction NextAfter(params object[] history)
    {
        var state = SagaState.Initial.Apply(new SagaStarted(TransferSaga.Name, Input));
        foreach (var e in history)
        {
            state = state.Apply(e);
        }

        return state.Next(TransferSaga.Definition);
    }

    [Fact]
    public void The_definition_reads_as_debit_then_credit_with_a_refund_for_the_debit()
    {
        var steps = TransferSaga.Definition.Steps;

        Assert.Equal(["debit", "credit"], steps.Select(s => s.Name));
        Assert.Equal(new SagaCommand("a", new AccountCommands.Withdraw(10, "EUR", "transfer s1 to b")), steps[0].Do(Input, "s1"));
        Assert.Equal(new SagaCommand("b", new AccountCommands.Deposit(10, "EUR", "transfer s1 from a")), steps[1].Do(Input, "s1"));
        Assert.Equal(new SagaCommand("a", new AccountCommands.Deposit(10, "EUR", "refund of transfer s1")), steps[0].Undo!(Input, "s1"));
        Assert.Null(steps[1].Undo);
    }

    [Fact]
    public void Steps_run_in_order_then_the_saga_completes() =>
        Assert.Equal(
            [new SagaAction(SagaActionKind.Execute, 0, 1), new SagaAction(SagaActionKind.Execute, 1, 1), new SagaAction(SagaActionKind.Complete, -1, 0)],
            [NextAfter(), NextAfter(Ok(0)), NextAfter(Ok(0), Ok(1))]);

    [Fact]
    public void A_transient_failure_retries_the_same_step_with_the_next_attempt() =>
        Assert.Equal(new SagaAction(SagaActionKind.Execute, 1, 3), NextAfter(Ok(0), Failed(1, 1), Failed(1, 2)));

    [Fact]
    public void A_permanent_failure_compensates_completed_steps_in_reverse_then_ends_compensated()
    {
        Assert.Equal(new SagaAction(SagaActionKind.Compensate, 0, 1), NextAfter(Ok(0), Failed(1, 1, permanent: true)));
        Assert.Equal(new SagaAction(SagaActionKind.MarkCompensated, -1, 0), NextAfter(Ok(0), Failed(1, 1, permanent: true), new SagaCompensationSucceeded(0, "debit", "account-a", 3)));
    }

    [Fact]
    public void A_failed_first_step_has_nothing_to_compensate() =>
        Assert.Equal(new SagaAction(SagaActionKind.MarkCompensated, -1, 0), NextAfter(Failed(0, 1, permanent: true)));

    [Fact]
    public void A_compensation_that_keeps_failing_needs_attention()
    {
        var history = new object[] { Ok(0), Failed(1, 1, permanent: true), new SagaCompensationFailed(0, "debit", 1, "frozen", "account_frozen", true) };

        Assert.Equal(SagaActionKind.NeedsAttention, NextAfter(history).Kind);
    }

    [Fact]
    public void A_finished_saga_has_nothing_more_to_do() =>
        Assert.Equal(SagaAction.None, NextAfter(Ok(0), Ok(1), new SagaCompleted()));

    private static SagaStepSucceeded Ok(int step) => new(step, step == 0 ? "debit" : "credit", "account-x", 2, "c");

    private static SagaStepFailed Failed(int step, int attempt, bool permanent = false) => new(step, "credit", attempt, "boom", null, permanent);
}
