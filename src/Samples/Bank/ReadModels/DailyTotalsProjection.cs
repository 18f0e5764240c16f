using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Samples.Bank.ReadModels;

/// <summary>Money deposited and withdrawn per UTC day and currency.</summary>
public sealed class DailyTotalsProjection(EventTypeRegistry events)
    : AccountProjection(events, ProjectionName, [typeof(MoneyDeposited), typeof(MoneyWithdrawn)], Table)
{
    public const string ProjectionName = "daily-totals";
    public const string Table = "es_rm_daily_totals";

    protected override Task ApplyAsync(string accountId, object domainEvent, EventEnvelope envelope, IReadModelSession session) => domainEvent switch
    {
        MoneyDeposited e => Add(session, e.Currency, e.Amount, 0, envelope),
        MoneyWithdrawn e => Add(session, e.Currency, 0, e.Amount, envelope),
        _ => Task.CompletedTask,
    };

    private static Task Add(IReadModelSession session, string currency, long deposited, long withdrawn, EventEnvelope e) =>
        session.ExecuteAsync(
            $"insert into {session.Table(Table)} as d (day, currency, deposited, withdrawn, movements) values ($1, $2, $3, $4, 1) " +
            "on conflict (day, currency) do update set deposited = d.deposited + excluded.deposited, withdrawn = d.withdrawn + excluded.withdrawn, movements = d.movements + 1",
            DateOnly.FromDateTime(e.CreatedAt.UtcDateTime), currency, deposited, withdrawn);
}
