using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Samples.Bank.ReadModels;

/// <summary>Every money movement of an account with the running balance after it.</summary>
public sealed class StatementProjection(EventTypeRegistry events)
    : AccountProjection(events, ProjectionName, [typeof(MoneyDeposited), typeof(MoneyWithdrawn)], Table)
{
    public const string ProjectionName = "statement";
    public const string Table = "es_rm_account_statement";

    protected override Task ApplyAsync(string accountId, object domainEvent, EventEnvelope envelope, IReadModelSession session) => domainEvent switch
    {
        MoneyDeposited e => Line(session, accountId, "deposit", e.Amount, e.Reference, envelope),
        MoneyWithdrawn e => Line(session, accountId, "withdrawal", -e.Amount, e.Reference, envelope),
        _ => Task.CompletedTask,
    };

    private static Task Line(IReadModelSession session, string accountId, string kind, long signed, string? reference, EventEnvelope e)
    {
        var t = session.Table(Table);
        return session.ExecuteAsync(
            $"insert into {t} (account_id, version, occurred_at, kind, amount, balance_after, reference) " +
            $"values ($1, $2, $3, $4, $5, coalesce((select balance_after from {t} where account_id = $1 order by version desc limit 1), 0) + $5, $6) " +
            "on conflict (account_id, version) do nothing",
            accountId, e.StreamVersion, e.CreatedAt, kind, signed, reference);
    }
}
