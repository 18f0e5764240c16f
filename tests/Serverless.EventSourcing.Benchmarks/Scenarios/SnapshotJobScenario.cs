using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Samples.Bank;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Maintenance;
using Serverless.EventSourcing.Postgres.Snapshots;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>One snapshot-job run with a 10-second budget over 10,000 streams of 200 events each: streams snapshotted per second.</summary>
public static class SnapshotJobScenario
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        var streams = 10_000 * scale;
        const int perStream = 200;
        await using var db = await BenchmarkDatabase.CreateAsync();
        // Seeded with SQL straight into the tables: this scenario measures the job, not appends.
        await db.ExecuteAsync($$"""
            insert into es_events (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, created_at)
            select gen_random_uuid(), 'account-j' || a, v, 'account',
                   case when v = 1 then 'AccountOpened' else 'MoneyDeposited' end, 1,
                   case when v = 1 then '{"owner":"bench","currency":"EUR"}'::json else '{"amount":1,"currency":"EUR"}'::json end,
                   '{"schemaVersion":1}'::json, clock_timestamp()
            from generate_series(1, {{streams}}) a, generate_series(1, {{perStream}}) v order by a, v;
            insert into es_streams (stream_id, category, version, created_at, updated_at)
            select 'account-j' || a, 'account', {{perStream}}, now(), now() from generate_series(1, {{streams}}) a;
            """);
        await db.ExecuteAsync("vacuum analyze");

        var registry = BankModule.CreateRegistry();
        var store = new PostgresEventStore(db.DataSource);
        var snapshots = new PostgresSnapshotStore(db.DataSource);
        var repository = new AggregateRepository(store, snapshots, registry.Events, NullLogger<AggregateRepository>.Instance);
        var jobs = new MaintenanceJobs(new MaintenanceStore(db.DataSource), registry, repository, snapshots,
            new JobOptions { MaxDuration = TimeSpan.FromSeconds(10), SnapshotThreshold = 100 }, TimeProvider.System, NullLogger<MaintenanceJobs>.Instance);

        var run = await jobs.RunSnapshotJobAsync(default);
        var done = run.Counts["snapshotted"];
        var verified = await db.ScalarAsync("select count(*) from es_snapshots s join es_streams t using (stream_id) where s.version = t.version and t.snapshot_version = t.version");
        if (verified != done)
        {
            throw new InvalidOperationException($"Job reported {done} snapshots but {verified} are in place.");
        }

        return [new BenchmarkResult("snapshot-job", 1, Math.Round(done / (run.DurationMs / 1000), 1), null, null,
            Note: $"{done} of {streams} streams ({perStream} events each) in one {run.Status} run of {run.DurationMs / 1000:0.0} s; events_per_s = streams snapshotted/s")];
    }
}
