namespace Serverless.EventSourcing.Samples.Bank.Accounts;

/// <summary>Events of the account aggregate. Stored names are registered in <see cref="BankModule"/> and never change.</summary>
public static class AccountEvents
{
    /// <param name="OwnerId">Who owns the account (null for accounts opened before owners were recorded).</param>
    public sealed record AccountOpened(string Owner, string Currency, string? OwnerId = null);

    /// <param name="Reference">Why the money moved (for example a transfer saga's id); shown on statements.</param>
    public sealed record MoneyDeposited(long Amount, string Currency, string? Reference);

    public sealed record MoneyWithdrawn(long Amount, string Currency, string? Reference);

    public sealed record AccountFrozen(string? Reason);

    public sealed record AccountUnfrozen;

    public sealed record AccountClosed;
}
