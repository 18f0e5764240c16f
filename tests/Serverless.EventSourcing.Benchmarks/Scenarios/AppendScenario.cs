using System.Diagnostics;
using NpgsqlTypes;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// Single-event appends to distinct streams at 1, 8 and 32 writers against a raw baseline of plain
/// single-row INSERTs of the same row shape into a bare table; then 100-event batches.
/// </summary>
public static class AppendScenario
{
    private const string Data = "{\"amount\":1250,\"currency\":\"EUR\",\"reference\":\"benchmark\"}";

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        var results = new List<BenchmarkResult>();
        foreach (var writers in new[] { 1, 8, 32, 64 })
        {
            var perWorker = Math.Max(50, 2000 * scale / writers);
            await using var db = await BenchmarkDatabase.CreateAsync();
            var store = new PostgresEventStore(db.DataSource);
            var (rate, latencies, commits, waits) = await AppendsAsync(db, store, writers, perWorker);
            var baseline = await BaselineAsync(db, writers, perWorker);
            var (pgbench, pgbenchP99) = await Pgbench.RunAsync(db, writers, TimeSpan.FromSeconds(10));
            results.Add(new BenchmarkResult("append", writers, rate, latencies.Percentile(50), latencies.Percentile(99), baseline,
                $"single event, distinct streams; {Math.Round(rate / baseline * 100)}% of baseline, {Math.Round(rate / pgbench * 100)}% of pgbench; {rate / commits:0.0} events per commit{waits}")
            {
                PgbenchEventsPerSecond = pgbench,
                PgbenchP99Ms = pgbenchP99,
                CommitsPerSecond = commits,
            });
        }

        // The same appends with group commit off (one transaction per append, as before it): the coalescing's share.
        foreach (var writers in new[] { 8, 32, 64 })
        {
            var perWorker = Math.Max(50, 2000 * scale / writers);
            await using var db = await BenchmarkDatabase.CreateAsync();
            var store = new PostgresEventStore(db.DataSource, new EventStoreLimits { MaxAppendsPerTransaction = 1 });
            var (rate, latencies, commits, waits) = await AppendsAsync(db, store, writers, perWorker);
            results.Add(new BenchmarkResult("append-one-per-transaction", writers, rate, latencies.Percentile(50), latencies.Percentile(99), null,
                $"the append rows with group commit off (diagnostic){waits}")
            {
                CommitsPerSecond = commits,
            });
        }

        // How many group-commit transactions in flight (EventStoreLimits.GroupCommitWriters) suit this machine (diagnostic).
        foreach (var slots in new[] { 2, 4, 8 })
        {
            foreach (var writers in new[] { 8, 32, 64 })
            {
                var perWorker = Math.Max(50, 2000 * scale / writers);
                await using var db = await BenchmarkDatabase.CreateAsync();
                var store = new PostgresEventStore(db.DataSource, new EventStoreLimits { GroupCommitWriters = slots });
                var (rate, latencies, commits, _) = await AppendsAsync(db, store, writers, perWorker);
                results.Add(new BenchmarkResult($"append-slots-{slots}", writers, rate, latencies.Percentile(50), latencies.Percentile(99), null,
                    $"the append rows with {slots} group-commit transactions in flight (diagnostic)")
                {
                    CommitsPerSecond = commits,
                });
            }
        }

        foreach (var writers in new[] { 1, 8 })
        {
            await using var db = await BenchmarkDatabase.CreateAsync();
            var store = new PostgresEventStore(db.DataSource);
            var batches = Math.Max(10, 200 * scale / writers);
            var latencies = new Latencies();
            var batchRate = await Latencies.RunAsync(writers, batches, (w, i) =>
                latencies.TimeAsync(() => store.AppendAsync(StreamId.Parse($"batch-{w}x{i}"), ExpectedVersion.NoStream, Enumerable.Range(0, 100).Select(_ => NewEvent()).ToList())));
            results.Add(new BenchmarkResult("append-batch-100", writers, batchRate * 100, latencies.Percentile(50), latencies.Percentile(99), null,
                "100 events per append; latency is per batch"));
        }

        return results;
    }

    /// <summary>
    /// Single-event appends expecting Any to streams that already exist (100 per writer, none shared between writers),
    /// as raw HTTP appends without a version send them: each one runs the store's retry check (are these event ids
    /// already in the stream?), which the distinct-stream rows, expecting no stream, skip.
    /// </summary>
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAnyAsync(int scale)
    {
        var results = new List<BenchmarkResult>();
        foreach (var writers in new[] { 8, 32 })
        {
            var perWorker = Math.Max(50, 2000 * scale / writers);
            await using var db = await BenchmarkDatabase.CreateAsync();
            var store = new PostgresEventStore(db.DataSource);
            await Latencies.RunAsync(writers, 100, (w, i) => store.AppendAsync(AnyStream(w, i), ExpectedVersion.NoStream, [NewEvent()]));
            var (rate, latencies, commits, waits) = await AppendsAsync(db, store, writers, perWorker, "any",
                (w, i) => store.AppendAsync(AnyStream(w, i), ExpectedVersion.Any, [NewEvent()]));
            results.Add(new BenchmarkResult("append-any", writers, rate, latencies.Percentile(50), latencies.Percentile(99), null,
                $"single event expecting Any, 100 existing streams per writer; {rate / commits:0.0} events per commit{waits}")
            {
                CommitsPerSecond = commits,
            });
        }

        return results;
    }

    private static StreamId AnyStream(int writer, int i) => StreamId.Parse($"any-{writer}x{i % 100}");

    /// <summary>
    /// Single-event appends after a warm-up, to distinct streams expecting none unless <paramref name="append"/> says
    /// otherwise: events/s, latencies, commits/s, and the wait profile when sampled.
    /// </summary>
    internal static async Task<(double Rate, Latencies Latencies, double CommitsPerSecond, string Waits)> AppendsAsync(
        BenchmarkDatabase db, PostgresEventStore store, int writers, int perWorker, string prefix = "bench", Func<int, int, Task<AppendResult>>? append = null)
    {
        append ??= (w, i) => store.AppendAsync(StreamId.Parse($"{prefix}-{w}x{i}"), ExpectedVersion.NoStream, [NewEvent()]);
        await Warmup(store, writers, prefix);
        if (BenchmarkDatabase.SampleWaits)
        {
            await WaitProfile.ResetAsync(db);
        }

        var commitsBefore = await db.CommitsAsync();
        var latencies = new Latencies();
        var rate = await Latencies.RunAsync(writers, perWorker, (w, i) => latencies.TimeAsync(() => append(w, i)));
        var waits = BenchmarkDatabase.SampleWaits ? $"; waits: {await WaitProfile.ReadAsync(db)}" : "";
        var seconds = writers * perWorker / rate;
        return (rate, latencies, (await db.CommitsAsync() - commitsBefore) / seconds, waits);
    }

    private static EventData NewEvent() => new("Deposited", Data, new EventMetadata { CorrelationId = Guid.NewGuid().ToString() });

    /// <summary>The least time a row warms up for before it is timed.</summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sequential appends, then rounds of 2,000 at the row's own concurrency for at least <see cref="WarmupTime"/>: the
    /// coalesced path (batches, their statement, the slots' continuations) reaches the JIT's final tier before it is
    /// timed, as the lone path does with the first. A count alone was not enough: with tiered compilation off the
    /// 32-writer row ran 18,756 events/s with P99 3.1 ms against 14,849 and 10.9 ms with it on (2026-12-07), because
    /// two busy cores leave the background compiler little time, and rows timed later in the process ran as fast.
    /// </summary>
    private static async Task Warmup(PostgresEventStore store, int writers, string prefix)
    {
        for (var i = 0; i < 200; i++)
        {
            await store.AppendAsync(StreamId.Parse($"warm{prefix}-{i}"), ExpectedVersion.NoStream, [NewEvent()]);
        }

        var started = Stopwatch.GetTimestamp();
        for (var round = 0; Stopwatch.GetElapsedTime(started) < WarmupTime; round++)
        {
            await Latencies.RunAsync(writers, Math.Max(25, 2000 / writers), (w, i) =>
                store.AppendAsync(StreamId.Parse($"warm{prefix}-{w}x{i}r{round}"), ExpectedVersion.NoStream, [NewEvent()]));
        }
    }

    /// <summary>The same row shape, one plain INSERT per event, no function, no checks, no secondary indexes.</summary>
    private static async Task<double> BaselineAsync(BenchmarkDatabase db, int writers, int perWorker)
    {
        await db.ExecuteAsync("""
            create table bench_baseline (
                global_position bigint generated always as identity primary key,
                tx_id xid8 not null default pg_current_xact_id(),
                event_id uuid not null, stream_id text not null, stream_version bigint not null,
                category text not null, event_type text not null, schema_version int not null,
                data json not null, metadata json not null, correlation_id text, created_at timestamptz not null default now())
            """);
        const string sql = "insert into bench_baseline (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, correlation_id) values ($1, $2, 1, 'bench', 'Deposited', 1, $3, $4, $5)";
        return await Latencies.RunAsync(writers, perWorker, async (w, i) =>
        {
            await using var command = db.DataSource.CreateCommand(sql);
            var metadata = new EventMetadata { CorrelationId = Guid.NewGuid().ToString() };
            command.Parameters.AddWithValue(Guid.CreateVersion7());
            command.Parameters.AddWithValue($"bench-{w}x{i}");
            command.Parameters.Add(new() { Value = Data, NpgsqlDbType = NpgsqlDbType.Json });
            command.Parameters.Add(new() { Value = metadata.ToJson(), NpgsqlDbType = NpgsqlDbType.Json });
            command.Parameters.AddWithValue(metadata.CorrelationId!);
            await command.ExecuteNonQueryAsync();
        });
    }
}
