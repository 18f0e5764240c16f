using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Samples.Bank;
using Serverless.EventSourcing.Samples.Bank.ReadModels;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>Catching the balances read model up over 200,000 events from the gap-safe log.</summary>
public static class ProjectionScenario
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        var accounts = 2000 * scale;
        return
        [
            // Product defaults; "-autoprepare" is kept by name for comparison with older runs (auto-prepare is the default now).
            await CatchUpAsync("projection-catch-up", accounts, interleaved: true, maxAutoPrepare: Hosting.EventSourcingSettings.DefaultMaxAutoPrepare),
            await CatchUpAsync("projection-catch-up-autoprepare", accounts, interleaved: true, maxAutoPrepare: 50),
            await CatchUpAsync("projection-catch-up-contiguous", accounts, interleaved: false, maxAutoPrepare: Hosting.EventSourcingSettings.DefaultMaxAutoPrepare),
        ];
    }

    /// <param name="interleaved">
    /// True: the log interleaves accounts, as real traffic does. False: each account's 100 events are
    /// contiguous, the worst case (one catch-up transaction updates the same row up to 100 times).
    /// </param>
    private static async Task<BenchmarkResult> CatchUpAsync(string name, int accounts, bool interleaved, int maxAutoPrepare)
    {
        const int perAccount = 100;
        await using var db = await BenchmarkDatabase.CreateAsync(maxAutoPrepare);
        // Seeded with SQL straight into the tables: this scenario measures the catch-up, not appends.
        await db.ExecuteAsync($$"""
            insert into es_events (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, created_at)
            select gen_random_uuid(), 'account-p' || a, v, 'account',
                   case when v = 1 then 'AccountOpened' else 'MoneyDeposited' end, 1,
                   case when v = 1 then '{"owner":"bench","currency":"EUR"}'::json else json_build_object('amount', v - 1, 'currency', 'EUR') end,
                   '{"schemaVersion":1}'::json, clock_timestamp()
            from generate_series(1, {{perAccount}}) v, generate_series(1, {{accounts}}) a
            order by {{(interleaved ? "v, a" : "a, v")}};
            insert into es_streams (stream_id, category, version, created_at, updated_at)
            select 'account-p' || a, 'account', {{perAccount}}, now(), now() from generate_series(1, {{accounts}}) a;
            """);
        await db.ExecuteAsync("vacuum analyze");

        var registry = BankModule.CreateRegistry();
        var store = new PostgresEventStore(db.DataSource);
        var options = new ProjectionOptions();
        var balances = new BalancesProjection(registry.Events);
        var dispatcher = new ProjectionDispatcher(db.DataSource, store, [balances], options, NullLogger<ProjectionDispatcher>.Instance);
        await dispatcher.RegisterAsync();
        var catchUp = new ProjectionCatchUp(db.DataSource, store, dispatcher, options);

        var total = 0L;
        var watch = Stopwatch.StartNew();
        for (var consumed = await catchUp.StepAsync(balances); consumed > 0; consumed = await catchUp.StepAsync(balances))
        {
            total += consumed;
        }

        watch.Stop();
        var rows = await db.ScalarAsync("select count(*) from es_rm_account_balances where balance = $1", (long)(perAccount - 1) * perAccount / 2);
        if (rows != accounts || total != (long)accounts * perAccount)
        {
            throw new InvalidOperationException($"Catch-up incomplete: {rows} accounts right, {total} events consumed.");
        }

        return new BenchmarkResult(name, 1, Math.Round(total / watch.Elapsed.TotalSeconds, 1), null, null, Note: $"{total} events into balances in {watch.Elapsed.TotalSeconds:0.0} s; verified");
    }
}
