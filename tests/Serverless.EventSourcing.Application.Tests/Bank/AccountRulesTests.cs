using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Application.Tests.Bank;

public class AccountRulesTests
{
    private static readonly AccountOpened Opened = new("Ada", "EUR");

    [Fact]
    public void Opening_a_new_account_records_owner_and_currency() =>
        AccountSpec.Given().When("open", new { owner = " Ada ", currency = "EUR" }).ThenEvents(new AccountOpened("Ada", "EUR"));

    [Fact]
    public void Opening_twice_is_rejected() =>
        AccountSpec.Given(Opened).When("open", new { owner = "Ada", currency = "EUR" }).ThenRejected(AccountRules.AlreadyOpen);

    [Fact]
    public void Deposits_add_to_the_balance() =>
        AccountSpec.Given(Opened).When("deposit", new { amount = 500, currency = "EUR", reference = "salary" }).ThenEvents(new MoneyDeposited(500, "EUR", "salary"));

    [Fact]
    public void Withdrawing_up_to_the_balance_is_allowed() =>
        AccountSpec.Given(Opened, new MoneyDeposited(500, "EUR", null)).When("withdraw", new { amount = 500, currency = "EUR" }).ThenEvents(new MoneyWithdrawn(500, "EUR", null));

    [Fact]
    public void Overdrafts_are_rejected() =>
        AccountSpec.Given(Opened, new MoneyDeposited(500, "EUR", null)).When("withdraw", new { amount = 501, currency = "EUR" }).ThenRejected(AccountRules.InsufficientFunds);

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void Money_in_another_currency_is_rejected(string command) =>
        AccountSpec.Given(Opened, new MoneyDeposited(500, "EUR", null)).When(command, new { amount = 1, currency = "USD" }).ThenRejected(AccountRules.CurrencyMismatch);

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void Frozen_accounts_reject_money_movement(string command) =>
        AccountSpec.Given(Opened, new MoneyDeposited(500, "EUR", null), new AccountFrozen("audit")).When(command, new { amount = 1, currency = "EUR" }).ThenRejected(AccountRules.Frozen);

    [Theory]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    public void Closed_accounts_reject_money_movement(string command) =>
        AccountSpec.Given(Opened, new AccountClosed()).When(command, new { amount = 1, currency = "EUR" }).ThenRejected(AccountRules.Closed);

    [Fact]
    public void Freezing_and_unfreezing_round_trip()
    {
        AccountSpec.Given(Opened).When("freeze", new { reason = "audit" }).ThenEvents(new AccountFrozen("audit"));
        AccountSpec.Given(Opened, new AccountFrozen(null)).When("freeze", new { }).ThenRejected(AccountRules.Frozen);
        AccountSpec.Given(Opened, new AccountFrozen(null)).When("unfreeze", new { }).ThenEvents(new AccountUnfrozen());
        AccountSpec.Given(Opened).When("unfreeze", new { }).ThenRejected(AccountRules.NotFrozen);
        AccountSpec.Given(Opened, new AccountFrozen(null), new AccountUnfrozen()).When("deposit", new { amount = 1, currency = "EUR" }).ThenEvents(new MoneyDeposited(1, "EUR", null));
    }

    [Fact]
    public void Only_an_empty_open_account_can_be_closed()
    {
        AccountSpec.Given(Opened).When("close", new { }).ThenEvents(new AccountClosed());
        AccountSpec.Given(Opened, new MoneyDeposited(1, "EUR", null)).When("close", new { }).ThenRejected(AccountRules.BalanceNotZero);
        AccountSpec.Given(Opened, new AccountFrozen(null)).When("close", new { }).ThenRejected(AccountRules.Frozen);
        AccountSpec.Given(Opened, new AccountClosed()).When("close", new { }).ThenRejected(AccountRules.Closed);
        AccountSpec.Given(Opened, new AccountClosed()).When("freeze", new { }).ThenRejected(AccountRules.Closed);
    }

    [Fact]
    public void A_deposit_that_would_overflow_is_rejected() =>
        AccountSpec.Given(Opened, new MoneyDeposited(long.MaxValue - 10, "EUR", null)).When("deposit", new { amount = 11, currency = "EUR" }).ThenRejected(AccountRules.BalanceOverflow);

    [Theory]
    [InlineData("open", "{\"owner\":\"\",\"currency\":\"EUR\"}", "owner")]
    [InlineData("open", "{\"owner\":\"Ada\",\"currency\":\"euro\"}", "currency")]
    [InlineData("deposit", "{\"amount\":0,\"currency\":\"EUR\"}", "amount")]
    [InlineData("deposit", "{\"amount\":-5,\"currency\":\"EUR\"}", "amount")]
    [InlineData("deposit", "{\"amount\":\"ten\",\"currency\":\"EUR\"}", "amount")]
    [InlineData("withdraw", "{\"amount\":5}", "currency")]
    public void Malformed_commands_name_the_field(string command, string json, string field)
    {
        Assert.True(AccountAggregate.Definition.TryGetCommand(command, out var handler));

        var error = Assert.Throws<InvalidInputException>(() => handler.Parse(System.Text.Json.JsonDocument.Parse(json).RootElement));

        Assert.Equal(field, error.Field);
    }
}
