using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.TestKit;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Application.Tests.TestKit;

/// <summary>The test kit itself: it fails with the events as JSON, reads old events through upcasters, and decides on the snapshot-serialized state.</summary>
public class AggregateScenarioTests
{
    private static readonly AggregateScenarios Bank = AggregateScenarios.For(new BankModule());

    [Fact]
    public void A_wrong_expectation_fails_showing_expected_and_decided_events_as_json()
    {
        var outcome = Bank.Given("account", "7", new AccountOpened("Ada", "EUR"), new MoneyDeposited(500, "EUR", null)).When("withdraw", new { amount = 500, currency = "EUR" });

        var failure = Assert.Throws<ScenarioFailedException>(() => outcome.Then(new MoneyWithdrawn(501, "EUR", null)));

        Assert.Contains("withdraw on account-7 after 2 event(s)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"MoneyWithdrawn\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"amount\": 501", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"amount\": 500", failure.Message, StringComparison.Ordinal);
        var refused = Assert.Throws<ScenarioFailedException>(() => outcome.ThenRefused("insufficient_funds"));
        Assert.Contains("it was accepted with", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_aggregates_and_commands_are_named_with_what_there_is()
    {
        Assert.Contains("registered: account", Assert.Throws<ArgumentException>(() => Bank.Given("acount", "1")).Message, StringComparison.Ordinal);
        Assert.Contains("it has: open", Assert.Throws<ArgumentException>(() => Bank.Given("account", "1").When("opne")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_stored_at_an_older_schema_version_is_upcast_before_it_is_folded() =>
        AggregateScenarios.For(new CounterModule(snapshots: false))
            .Given("counter", "1")
            .GivenStored("Counted", 1, """{"step":5}""")
            .When("count", new { by = 1 })
            .Then(new Counted(1, "from 5"));

    [Fact]
    public void An_aggregate_with_snapshots_decides_on_its_state_read_back_from_json()
    {
        // Total is not serialized, so a snapshot-loaded counter would have lost it: the kit shows that before production does.
        var withSnapshots = AggregateScenarios.For(new CounterModule(snapshots: true)).Given("counter", "2", new Counted(3, null)).When("count", new { by = 1 });
        var without = AggregateScenarios.For(new CounterModule(snapshots: false)).Given("counter", "2", new Counted(3, null)).When("count", new { by = 1 });

        withSnapshots.ThenRefused("lost_total");
        without.Then(new Counted(1, "from 3"));
    }

    private sealed record Counted(int By, string? Note);

    private sealed record Count(int By) : ICommand
    {
        public void Validate() => Require.Positive(By, "by");
    }

    private sealed record CounterState(int Seen)
    {
        [JsonIgnore]
        public int Total { get; init; }
    }

    private sealed class CounterModule(bool snapshots) : IDomainModule
    {
        public string Name => "counter";

        public void Register(DomainBuilder domain)
        {
            domain.Events.Register<Counted>("Counted", schemaVersion: 2)
                .Upcast("Counted", 1, v1 => new JsonObject { ["by"] = v1["step"]!.GetValue<int>(), ["note"] = "v1" });
            var counter = new Aggregates.AggregateDefinition<CounterState>("counter", new CounterState(0))
                .On<Counted>((s, e) => s with { Seen = s.Seen + 1, Total = s.Total + e.By })
                .Command<Count>("count", Decide, creates: true);
            domain.Aggregate(snapshots ? counter.WithSnapshots() : counter);
        }

        private static Decision Decide(CounterState state, Count command) =>
            state.Seen > 0 && state.Total == 0 ? Decision.Reject("lost_total", "the total did not survive the snapshot")
            : Decision.Accept(new Counted(command.By, state.Seen > 0 ? "from " + state.Total : null));
    }
}
