using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Samples.Bank.Accounts;
using Serverless.EventSourcing.Samples.Bank.ReadModels;
using Serverless.EventSourcing.Samples.Bank.Transfers;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Samples.Bank;

/// <summary>
/// The sample bank as one module: the account aggregate, the transfer saga, three read models with their tables and
/// read routes. Registered only through the framework's public extension points.
/// </summary>
public sealed class BankModule : IDomainModule
{
    public string Name => "bank";

    /// <summary>The bank's aggregate registry (with the framework's own event types) for code outside a host.</summary>
    public static Aggregates.AggregateRegistry CreateRegistry() => DomainModules.CreateRegistry(new BankModule());

    public void Register(DomainBuilder domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        domain.Events
            .Register<AccountOpened>("AccountOpened")
            .Register<MoneyDeposited>("MoneyDeposited")
            .Register<MoneyWithdrawn>("MoneyWithdrawn")
            .Register<AccountFrozen>("AccountFrozen")
            .Register<AccountUnfrozen>("AccountUnfrozen")
            .Register<AccountClosed>("AccountClosed");
        domain
            .Aggregate(AccountAggregate.Definition)
            .Ownership(AccountAggregate.Definition, AccountAggregate.Owns)
            // The owner's name is personal: encrypted under the owner's key (the account's, when it was opened without an owner id).
            .PersonalData<AccountOpened>(e => e.OwnerId, subjectIsStreamWhenAbsent: true, e => e.Owner)
            .Projection<BalancesProjection>()
            .Projection<StatementProjection>()
            .Projection<DailyTotalsProjection>()
            .Saga(TransferSaga.Definition)
            .Migrations(typeof(BankModule).Assembly, "Bank.Migrations.");
        BankReadRoutes.Register(domain);
    }
}
