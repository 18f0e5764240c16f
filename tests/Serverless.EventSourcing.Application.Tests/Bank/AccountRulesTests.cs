using Serverless.EventSourcing.TestKit;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Application.Tests.Bank;

/// <summary>The account's rules through the test kit: given events, when a command (as the JSON a client posts), then events or a refusal.</summary>
public class AccountRulesTests
{
    private static readonly AggregateScenarios Bank = AggregateScenarios.For(new BankModule());
    private static readonly AccountOpened Opened = new("Ada", "EUR");

    private static AggregateScenario Given(params object[] history) => Bank.Given(AccountAggregate.Category, "42", history);

    [Fact]
    public void Opening_a_new_account_records_owner_and_currency() =>
        Given().When("open", new { owner = " Ada ", currency = "EUR" }).Then(new AccountOpened("Ada", "EUR"));

    [Fact]
    public void Opening_twice_is_rejected() =>
        Given(Opened).When("open", new { owner = "Ada", currency = "EUR" }).ThenRefused(AccountRules.AlreadyOpen);

    [Fact]
    public void Deposits_add_to_the_balance() =>
        Given(Opened).When("deposit", new { amount = 500, currency = "EUR", reference = "salary" }).Then(new MoneyDeposited(500, "EUR", "salary"));

    [Fact]
    public void Withdrawing_up_to_the_balance_is_allowed() =>
        Given(Opened, new MoneyDeposited(500, "EUR", null)).When("withdraw", new { amount = 500, currency = "EUR" }).Then(new MoneyWithdrawn(500, "EUR", null));

    [Fact]
    public void Overdrafts_are_rejected() =>
        Given(Opened, new MoneyDeposited(500, "EUR", null)).When("withdraw", new { amount = 501, currency = "EUR" }).ThenRefused(AccountRules.InsufficientFunds);

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void Money_in_another_currency_is_rejected(string command) =>
        Given(Opened, new MoneyDeposited(500, "EUR", null)).When(command, new { amount = 1, currency = "USD" }).ThenRefused(AccountRules.CurrencyMismatch);

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void Frozen_accounts_reject_money_movement(string command) =>
        Given(Opened, new MoneyDeposited(500, "EUR", null), new AccountFrozen("audit")).When(command, new { amount = 1, currency = "EUR" }).ThenRefused(AccountRules.Frozen);

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void Closed_accounts_reject_money_movement(string command) =>
        Given(Opened, new AccountClosed()).When(command, new { amount = 1, currency = "EUR" }).ThenRefused(AccountRules.Closed);

    [Fact]
    public void Freezing_and_unfreezing_round_trip()
    {
        Given(Opened).When("freeze", new { reason = "audit" }).Then(new AccountFrozen("audit"));
        Given(Opened, new AccountFrozen(null)).When("freeze", new { }).ThenRefused(AccountRules.Frozen);
        Given(Opened, new AccountFrozen(null)).When("unfreeze", new { }).Then(new AccountUnfrozen());
        Given(Opened).When("unfreeze", new { }).ThenRefused(AccountRules.NotFrozen);
        Given(Opened, new AccountFrozen(null), new AccountUnfrozen()).When("deposit", new { amount = 1, currency = "EUR" }).Then(new MoneyDeposited(1, "EUR", null));
    }

    [Fact]
    public void Only_an_empty_open_account_can_be_closed()
    {
        Given(Opened).When("close", new { }).Then(new AccountClosed());
        Given(Opened, new MoneyDeposited(1, "EUR", null)).When("close", new { }).ThenRefused(AccountRules.BalanceNotZero);
        Given(Opened, new AccountFrozen(null)).When("close", new { }).ThenRefused(AccountRules.Frozen);
        Given(Opened, new AccountClosed()).When("close", new { }).ThenRefused(AccountRules.Closed);
        Given(Opened, new AccountClosed()).When("freeze", new { }).ThenRefused(AccountRules.Closed);
    }

    [Fact]
    public void A_deposit_that_would_overflow_is_rejected() =>
        Given(Opened, new MoneyDeposited(long.MaxValue - 10, "EUR", null)).When("deposit", new { amount = 11, currency = "EUR" }).ThenRefused(AccountRules.BalanceOverflow);

    [Theory]
    [InlineData("open", "{\"owner\":\"\",\"currency\":\"EUR\"}", "owner")]
    [InlineData("open", "{\"owner\":\"Ada\",\"currency\":\"euro\"}", "currency")]
    [InlineData("deposit", "{\"amount\":0,\"currency\":\"EUR\"}", "amount")]
    [InlineData("deposit", "{\"amount\":-5,\"currency\":\"EUR\"}", "amount")]
    [InlineData("deposit", "{\"amount\":\"ten\",\"currency\":\"EUR\"}", "amount")]
    [InlineData("withdraw", "{\"amount\":5}", "currency")]
    public void Malformed_commands_name_the_field(string command, string json, string field) =>
        Given(command == "open" ? [] : [Opened]).When(command, json).ThenInvalid(field);

    [Fact]
    public void A_typed_command_runs_as_its_json_and_a_command_on_no_account_is_not_found()
    {
        var outcome = Given(Opened).When(new AccountCommands.Deposit(700, "EUR")).Then(new MoneyDeposited(700, "EUR", null));
        Assert.Equal(700, outcome.StateAs<AccountState>().Balance);
        Given().When("deposit", new { amount = 1, currency = "EUR" }).ThenNotFound();
    }
}
