using static Serverless.EventSourcing.Application.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Application.Bank.Accounts;

public enum AccountStatus
{
    None,
    Open,
    Frozen,
    Closed,
}

/// <summary>The account's state; amounts are whole minor units (cents).</summary>
public sealed record AccountState(AccountStatus Status, string Owner, string Currency, long Balance)
{
    public static AccountState Initial { get; } = new(AccountStatus.None, "", "", 0);

    public AccountState When(AccountOpened e) => this with { Status = AccountStatus.Open, Owner = e.Owner, Currency = e.Currency };

    public AccountState When(MoneyDeposited e) => this with { Balance = Balance + e.Amount };

    public AccountState When(MoneyWithdrawn e) => this with { Balance = Balance - e.Amount };

    public AccountState When(AccountFrozen e) => this with { Status = AccountStatus.Frozen };

    public AccountState When(AccountUnfrozen e) => this with { Status = AccountStatus.Open };

    public AccountState When(AccountClosed e) => this with { Status = AccountStatus.Closed };
}
