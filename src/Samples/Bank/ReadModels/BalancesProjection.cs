using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Samples.Bank.ReadModels;

/// <summary>
/// One row per account: owner, currency, balance, status. The owner's name is kept as it is stored, encrypted: the read
/// route shows it to callers with <c>personal</c>, and an erasure leaves nothing readable to scrub.
/// </summary>
public sealed class BalancesProjection(EventTypeRegistry events)
    : AccountProjection(events, ProjectionName, [typeof(AccountOpened), typeof(MoneyDeposited), typeof(MoneyWithdrawn), typeof(AccountFrozen), typeof(AccountUnfrozen), typeof(AccountClosed)], Table),
      IPersonalDataProjection
{
    public PersonalDataUse PersonalData => PersonalDataUse.Ciphertext;

    public Task ScrubAsync(string subject, IReadModelSession session, CancellationToken ct) => Task.CompletedTask;

    public const string ProjectionName = "balances";
    public const string Table = "es_rm_account_balances";

    protected override Task ApplyAsync(string accountId, object domainEvent, EventEnvelope envelope, IReadModelSession session)
    {
        var t = session.Table(Table);
        return domainEvent switch
        {
            AccountOpened e => session.ExecuteAsync(
                $"insert into {t} (account_id, owner, currency, balance, status, version, updated_at) values ($1, $2, $3, 0, 'open', $4, $5) on conflict (account_id) do nothing",
                accountId, e.Owner, e.Currency, envelope.StreamVersion, envelope.CreatedAt),
            MoneyDeposited e => Move(session, t, accountId, e.Amount, envelope),
            MoneyWithdrawn e => Move(session, t, accountId, -e.Amount, envelope),
            AccountFrozen => Status(session, t, accountId, "frozen", envelope),
            AccountUnfrozen => Status(session, t, accountId, "open", envelope),
            AccountClosed => Status(session, t, accountId, "closed", envelope),
            _ => Task.CompletedTask,
        };
    }

    private static Task Move(IReadModelSession session, string table, string accountId, long delta, EventEnvelope e) =>
        session.ExecuteAsync($"update {table} set balance = balance + $2, version = $3, updated_at = $4 where account_id = $1", accountId, delta, e.StreamVersion, e.CreatedAt);

    private static Task Status(IReadModelSession session, string table, string accountId, string status, EventEnvelope e) =>
        session.ExecuteAsync($"update {table} set status = $2, version = $3, updated_at = $4 where account_id = $1", accountId, status, e.StreamVersion, e.CreatedAt);
}
