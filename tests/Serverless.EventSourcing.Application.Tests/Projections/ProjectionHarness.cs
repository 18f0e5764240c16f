using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Samples.Bank.ReadModels;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

/// <summary>The bank's projections and the projection machinery over a test database.</summary>
public sealed class ProjectionHarness
{
    public ProjectionHarness(PostgresDatabase db, params IProjection[] extra)
        : this(db, new BankServices(db.DataSource), extra)
    {
    }

    public ProjectionHarness(PostgresDatabase db, BankServices bank, params IProjection[] extra)
    {
        Db = db;
        Bank = bank;
        var events = Bank.Registry.Events;
        Projections = [new BalancesProjection(events), new StatementProjection(events), new DailyTotalsProjection(events), .. extra];
        Options = new ProjectionOptions { BatchSize = 50, FirstRetryDelay = TimeSpan.FromMilliseconds(1) };
        Dispatcher = new ProjectionDispatcher(db.DataSource, Bank.Store, Projections, Options, NullLogger<ProjectionDispatcher>.Instance);
        CatchUp = new ProjectionCatchUp(db.DataSource, Bank.Store, Dispatcher, Options);
        Rebuilder = new ProjectionRebuilder(db.DataSource, Bank.Store, Dispatcher, Options, NullLogger<ProjectionRebuilder>.Instance);
        DeadLetters = new DeadLetters(db.DataSource, Dispatcher, NullLogger<DeadLetters>.Instance);
    }

    public PostgresDatabase Db { get; }

    public BankServices Bank { get; }

    public IReadOnlyList<IProjection> Projections { get; }

    public ProjectionOptions Options { get; }

    public ProjectionDispatcher Dispatcher { get; }

    public ProjectionCatchUp CatchUp { get; }

    public ProjectionRebuilder Rebuilder { get; }

    public DeadLetters DeadLetters { get; }

    /// <summary>
    /// Catches every running projection up to all events committed before the call. Waits rather than
    /// stopping at the first empty read: other tests' open transactions on the shared cluster hold the
    /// gap-safe horizon back for a moment.
    /// </summary>
    public async Task CatchUpAllAsync()
    {
        var target = await Db.ScalarAsync<long>("select coalesce(max(global_position), 0) from es_events");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var projection in Projections)
        {
            while (true)
            {
                while (await CatchUp.StepAsync(projection) > 0)
                {
                }

                var behind = await Db.ScalarAsync<long>(
                    "select count(*) from es_events e, es_projections p where p.name = $1 and p.status = 'running' and e.global_position <= $2 " +
                    "and (e.tx_id, e.global_position) > (p.cursor_tx, p.cursor_position)", projection.Name, target);
                if (behind == 0 || DateTime.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(20);
            }
        }
    }

    public async Task<IReadOnlyList<EventEnvelope>> EventsOfAsync(string accountId) =>
        (await Bank.Store.ReadStreamAsync(StreamId.For("account", accountId), 1, 1000)).Events;

    public Task<long?> BalanceAsync(string accountId) => ScalarOrNullAsync("select balance from es_rm_account_balances where account_id = $1", accountId);

    public async Task<long> StatementLinesAsync(string accountId) => await Db.ScalarAsync<long>("select count(*) from es_rm_account_statement where account_id = $1", accountId);

    /// <summary>The whole content of the bank's read models, in a comparable text form.</summary>
    public async Task<string> DumpAsync()
    {
        var parts = new List<string>();
        foreach (var sql in new[]
        {
            "select string_agg(concat_ws('|', account_id, owner, currency, balance, status, version), ',' order by account_id) from es_rm_account_balances",
            "select string_agg(concat_ws('|', account_id, version, kind, amount, balance_after, reference), ',' order by account_id, version) from es_rm_account_statement",
            "select string_agg(concat_ws('|', day, currency, deposited, withdrawn, movements), ',' order by day, currency) from es_rm_daily_totals",
        })
        {
            await using var command = Db.DataSource.CreateCommand(sql);
            parts.Add(await command.ExecuteScalarAsync() as string ?? "");
        }

        return string.Join("\n", parts);
    }

    private async Task<long?> ScalarOrNullAsync(string sql, string parameter)
    {
        await using var command = Db.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        return await command.ExecuteScalarAsync() as long?;
    }
}
