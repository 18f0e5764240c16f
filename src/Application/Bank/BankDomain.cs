using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Bank.Accounts;
using Serverless.EventSourcing.Events;
using static Serverless.EventSourcing.Application.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Application.Bank;

/// <summary>Registers the sample bank's event types and aggregates: the one place a new aggregate is added.</summary>
public static class BankDomain
{
    public static AggregateRegistry Register(AggregateRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Events
            .Register<AccountOpened>("AccountOpened")
            .Register<MoneyDeposited>("MoneyDeposited")
            .Register<MoneyWithdrawn>("MoneyWithdrawn")
            .Register<AccountFrozen>("AccountFrozen")
            .Register<AccountUnfrozen>("AccountUnfrozen")
            .Register<AccountClosed>("AccountClosed");
        Serverless.EventSourcing.Sagas.SagaEvents.Register(registry.Events);
        return registry.Add(AccountAggregate.Definition);
    }

    public static AggregateRegistry CreateRegistry() => Register(new AggregateRegistry(new EventTypeRegistry()));
}
