namespace Serverless.EventSourcing.Samples.Bank.Accounts;

public enum AccountStatus
{
    None,
    Open,
    Frozen,
    Closed,
}

/// <summary>The account's state; amounts are whole minor units (cents). Its folds are in <see cref="AccountAggregate"/>.</summary>
public sealed record AccountState(AccountStatus Status, string Owner, string Currency, long Balance, string? OwnerId = null)
{
    public static AccountState Initial { get; } = new(AccountStatus.None, "", "", 0);
}
