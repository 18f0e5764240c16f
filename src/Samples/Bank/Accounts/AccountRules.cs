namespace Serverless.EventSourcing.Samples.Bank.Accounts;

/// <summary>The machine-readable rule codes account commands reject with (HTTP 422 <c>ruleCode</c>).</summary>
public static class AccountRules
{
    public const string AlreadyOpen = "account_already_open";
    public const string Closed = "account_closed";
    public const string Frozen = "account_frozen";
    public const string NotFrozen = "account_not_frozen";
    public const string InsufficientFunds = "insufficient_funds";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string BalanceNotZero = "balance_not_zero";
    public const string BalanceOverflow = "balance_overflow";
}
