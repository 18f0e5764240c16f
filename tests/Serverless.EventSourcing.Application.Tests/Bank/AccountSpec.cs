using System.Text.Json;

namespace Serverless.EventSourcing.Application.Tests.Bank;

/// <summary>Given past events, when a command is decided, then these events or this rule code. No engine, no database.</summary>
public sealed class AccountSpec
{
    private AccountState _state = AccountState.Initial;

    public static AccountSpec Given(params object[] history)
    {
        var spec = new AccountSpec();
        spec._state = history.Aggregate(AccountState.Initial, AccountAggregate.Definition.Apply);
        return spec;
    }

    public Decision When(string command, object body)
    {
        Assert.True(AccountAggregate.Definition.TryGetCommand(command, out var handler), $"no command {command}");
        var parsed = handler.Parse(JsonSerializer.SerializeToElement(body, EventJson.Options));
        return handler.Decide(_state, parsed);
    }
}

public static class DecisionAssertions
{
    public static void ThenEvents(this Decision decision, params object[] expected)
    {
        Assert.False(decision.IsRejected, $"rejected with {decision.RuleCode}: {decision.Message}");
        Assert.Equal(expected, decision.Events);
    }

    public static void ThenRejected(this Decision decision, string ruleCode)
    {
        Assert.True(decision.IsRejected, "expected a rejection");
        Assert.Equal(ruleCode, decision.RuleCode);
        Assert.Empty(decision.Events);
    }
}
