namespace Serverless.EventSourcing.Samples.Bank.Accounts;

/// <summary>Command payloads of the account aggregate, as posted to <c>/api/aggregates/account/{id}/commands/{name}</c>.</summary>
public static class AccountCommands
{
    /// <param name="OwnerId">The owner's identity (a token's subject): customers may act only on accounts they own.</param>
    public sealed record Open(string Owner, string Currency, string? OwnerId = null) : ICommand
    {
        public void Validate()
        {
            Require.NotBlank(Owner, "owner");
            Require.CurrencyCode(Currency, "currency");
            if (OwnerId is not null)
            {
                Require.NotBlank(OwnerId, "ownerId", 200);
            }
        }
    }

    public sealed record Deposit(long Amount, string Currency, string? Reference = null) : ICommand
    {
        public void Validate() => ValidateMoney(Amount, Currency, Reference);
    }

    public sealed record Withdraw(long Amount, string Currency, string? Reference = null) : ICommand
    {
        public void Validate() => ValidateMoney(Amount, Currency, Reference);
    }

    public sealed record Freeze(string? Reason = null) : ICommand
    {
        public void Validate()
        {
            if (Reason is { Length: > 500 })
            {
                throw new InvalidInputException("reason", "must be at most 500 characters");
            }
        }
    }

    public sealed record Unfreeze : ICommand
    {
        public void Validate()
        {
        }
    }

    public sealed record Close : ICommand
    {
        public void Validate()
        {
        }
    }

    private static void ValidateMoney(long amount, string currency, string? reference)
    {
        Require.Positive(amount, "amount");
        Require.CurrencyCode(currency, "currency");
        if (reference is { Length: > 200 })
        {
            throw new InvalidInputException("reference", "must be at most 200 characters");
        }
    }
}
