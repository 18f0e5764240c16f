using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Security;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountCommands;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Samples.Bank.Accounts;

/// <summary>The account aggregate: open, deposit, withdraw (no overdraft), freeze/unfreeze, close at zero.</summary>
public static class AccountAggregate
{
    public const string Category = "account";

    public static AggregateDefinition<AccountState> Definition { get; } =
        new AggregateDefinition<AccountState>(Category, AccountState.Initial, stateSchemaVersion: 1)
            .On<AccountOpened>((s, e) => s with { Status = AccountStatus.Open, Owner = e.Owner, Currency = e.Currency, OwnerId = e.OwnerId })
            .On<MoneyDeposited>((s, e) => s with { Balance = s.Balance + e.Amount })
            .On<MoneyWithdrawn>((s, e) => s with { Balance = s.Balance - e.Amount })
            .On<AccountFrozen>((s, _) => s with { Status = AccountStatus.Frozen })
            .On<AccountUnfrozen>((s, _) => s with { Status = AccountStatus.Open })
            .On<AccountClosed>((s, _) => s with { Status = AccountStatus.Closed })
            .Command<Open>("open", Handle, creates: true)
            .Command<Deposit>("deposit", Handle)
            .Command<Withdraw>("withdraw", Handle)
            .Command<Freeze>("freeze", Handle)
            .Command<Unfreeze>("unfreeze", Handle)
            .Command<Close>("close", Handle)
            .WithSnapshots();

    /// <summary>
    /// A customer owns the accounts whose owner id is its subject; opening one, it must name itself as the owner (a
    /// teller's or a back end's grant is not limited to owned accounts and needs no rule).
    /// </summary>
    public static bool Owns(Principal principal, AccountState s, ICommand? command) =>
        s.Status == AccountStatus.None
            ? command is Open open && open.OwnerId is not null && open.OwnerId == principal.Subject
            : s.OwnerId is not null && s.OwnerId == principal.Subject;

    public static Decision Handle(AccountState s, Open c) =>
        s.Status == AccountStatus.None
            ? Decision.Accept(new AccountOpened(c.Owner.Trim(), c.Currency, c.OwnerId))
            : Decision.Reject(AccountRules.AlreadyOpen, "The account is already open.");

    public static Decision Handle(AccountState s, Deposit c) =>
        CanMoveMoney(s, c.Currency)
        ?? (s.Balance > long.MaxValue - c.Amount
            ? Decision.Reject(AccountRules.BalanceOverflow, "The deposit would overflow the balance.")
            : Decision.Accept(new MoneyDeposited(c.Amount, c.Currency, c.Reference)));

    public static Decision Handle(AccountState s, Withdraw c) =>
        CanMoveMoney(s, c.Currency)
        ?? (c.Amount > s.Balance
            ? Decision.Reject(AccountRules.InsufficientFunds, $"The balance is {s.Balance}; cannot withdraw {c.Amount}.")
            : Decision.Accept(new MoneyWithdrawn(c.Amount, c.Currency, c.Reference)));

    public static Decision Handle(AccountState s, Freeze c) => s.Status switch
    {
        AccountStatus.Closed => Decision.Reject(AccountRules.Closed, "The account is closed."),
        AccountStatus.Frozen => Decision.Reject(AccountRules.Frozen, "The account is already frozen."),
        _ => Decision.Accept(new AccountFrozen(c.Reason)),
    };

    public static Decision Handle(AccountState s, Unfreeze c) => s.Status switch
    {
        AccountStatus.Frozen => Decision.Accept(new AccountUnfrozen()),
        AccountStatus.Closed => Decision.Reject(AccountRules.Closed, "The account is closed."),
        _ => Decision.Reject(AccountRules.NotFrozen, "The account is not frozen."),
    };

    public static Decision Handle(AccountState s, Close c) => s.Status switch
    {
        AccountStatus.Closed => Decision.Reject(AccountRules.Closed, "The account is already closed."),
        AccountStatus.Frozen => Decision.Reject(AccountRules.Frozen, "A frozen account cannot be closed."),
        _ when s.Balance != 0 => Decision.Reject(AccountRules.BalanceNotZero, $"The balance is {s.Balance}; only an empty account can be closed."),
        _ => Decision.Accept(new AccountClosed()),
    };

    private static Decision? CanMoveMoney(AccountState s, string currency) => s switch
    {
        { Status: AccountStatus.Closed } => Decision.Reject(AccountRules.Closed, "The account is closed."),
        { Status: AccountStatus.Frozen } => Decision.Reject(AccountRules.Frozen, "The account is frozen."),
        _ when s.Currency != currency => Decision.Reject(AccountRules.CurrencyMismatch, $"The account holds {s.Currency}, not {currency}."),
        _ => null,
    };
}
