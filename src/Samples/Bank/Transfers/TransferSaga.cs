using Serverless.EventSourcing.Samples.Bank.Accounts;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Samples.Bank.Transfers;

/// <summary>Moves money between two accounts: debit the source, credit the target; if the credit fails, refund the source.</summary>
public static class TransferSaga
{
    public const string Name = "transfer";

    public sealed record Input(string FromAccount, string ToAccount, long Amount, string Currency) : ICommand
    {
        public void Validate()
        {
            Require.NotBlank(FromAccount, "fromAccount", 100);
            Require.NotBlank(ToAccount, "toAccount", 100);
            if (FromAccount == ToAccount)
            {
                throw new InvalidInputException("toAccount", "must differ from fromAccount");
            }

            Require.Positive(Amount, "amount");
            Require.CurrencyCode(Currency, "currency");
        }
    }

    /// <summary>A transfer is started by whoever may withdraw from the source account (its owner, a teller).</summary>
    public static SagaDefinition<Input> Definition { get; } = new SagaDefinition<Input>(Name)
        .AuthorizedBy(t => new SagaCommand(t.FromAccount, new AccountCommands.Withdraw(t.Amount, t.Currency)))
        .Step(
            "debit",
            (t, saga) => new SagaCommand(t.FromAccount, new AccountCommands.Withdraw(t.Amount, t.Currency, $"transfer {saga} to {t.ToAccount}")),
            undo: (t, saga) => new SagaCommand(t.FromAccount, new AccountCommands.Deposit(t.Amount, t.Currency, $"refund of transfer {saga}")))
        .Step(
            "credit",
            (t, saga) => new SagaCommand(t.ToAccount, new AccountCommands.Deposit(t.Amount, t.Currency, $"transfer {saga} from {t.FromAccount}")));
}
