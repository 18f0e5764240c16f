using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Hosting.Archive;
using Serverless.EventSourcing.Postgres.Archive;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Samples.Bank;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;
using Serverless.EventSourcing.TestKit.Servers;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// Archiving to Blob Storage (Azurite): a log of 1,000,000 events in 1,000 streams, 900 of them untouched for 100 days;
/// the archive job's throughput, <c>es_events</c>' size and 8-writer append latency before and after, and reading a
/// 10,000-event stream from the archive (cold and cached) against the same stream hot.
/// </summary>
public static class ArchiveScenario
{
    private const int Streams = 1_000;
    private const int EventsPerStream = 1_000;
    private const int ReadEvents = 10_000;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        var azurite = await AzuriteServer.GetSharedAsync();
        var container = new BlobServiceClient(azurite.ConnectionString, BlobArchiveStorage.ClientOptions()).GetBlobContainerClient("bench-" + Guid.NewGuid().ToString("N")[..12]);
        var storage = new BlobArchiveStorage(container);
        var store = new PostgresEventStore(db.DataSource, new EventStoreLimits(), null, new ArchiveReader(db.DataSource, storage));
        var streams = Streams * scale;
        await SeedAsync(db, "bench", streams, EventsPerStream);
        await SeedAsync(db, "readarch", 1, ReadEvents);
        await SeedAsync(db, "readhot", 1, ReadEvents);
        // The newest tenth was written to lately: it stays hot.
        await db.ExecuteAsync($"update es_streams set updated_at = now() where category = 'bench' and stream_id > 'bench-{streams - streams / 10:D6}'");
        await db.ExecuteAsync("vacuum analyze es_events");

        var sizeBefore = await SizeMbAsync(db);
        var rowsBefore = await db.ScalarAsync("select count(*) from es_events");
        var (beforeRate, before, _, _) = await AppendScenario.AppendsAsync(db, store, 8, 500, "before");
        var results = new List<BenchmarkResult>
        {
            new("archive-append-before", 8, beforeRate, before.Percentile(50), before.Percentile(99), Note: $"single-event appends with {rowsBefore:N0} events in es_events")
            {
                EsEventsMb = sizeBefore,
            },
        };

        var watch = Stopwatch.StartNew();
        var run = await ArchiveJobs(db, store, storage, "bench", "readarch").RunArchiveJobAsync(default);
        var seconds = watch.Elapsed.TotalSeconds;
        if (run.Status != "completed")
        {
            throw new InvalidOperationException($"archive run {run.Status}: {run.Error}");
        }

        var archived = run.Counts["eventsArchived"];
        long blobBytes = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, default))
        {
            blobBytes += blob.Properties.ContentLength ?? 0;
        }

        var sizeAfter = await SizeMbAsync(db);
        await db.ExecuteAsync("vacuum full es_events");
        await db.ExecuteAsync("analyze es_events");
        var sizeCompacted = await SizeMbAsync(db);
        results.Add(new BenchmarkResult("archive-run", 1, Math.Round(archived / seconds, 1), null, null,
            Note: $"{archived:N0} events of {run.Counts["streamsArchived"]} streams in {run.Counts["segmentsWritten"]} segments, {seconds:0.0} s; {blobBytes / 1048576.0:0.0} MB of gzip JSON Lines; es_events {sizeBefore:0} MB before, {sizeAfter:0} MB after (space free for reuse), {sizeCompacted:0} MB after VACUUM FULL")
        {
            EsEventsMb = sizeCompacted,
        });

        var (afterRate, after, _, _) = await AppendScenario.AppendsAsync(db, store, 8, 500, "after");
        results.Add(new BenchmarkResult("archive-append-after", 8, afterRate, after.Percentile(50), after.Percentile(99), Note: $"the same appends with {await db.ScalarAsync("select count(*) from es_events"):N0} events left in es_events")
        {
            EsEventsMb = await SizeMbAsync(db),
        });

        var reads = 20 * scale;
        results.Add(await ReadAsync("read-10k-hot", reads, () => store, StreamId.Parse("readhot-000001"), "the 10,000 events of a hot stream, pages of 1,000"));
        results.Add(await ReadAsync("read-10k-archived-cold", reads, () => new PostgresEventStore(db.DataSource, new EventStoreLimits(), null, new ArchiveReader(db.DataSource, storage)), StreamId.Parse("readarch-000001"),
            "the same from the archive with an empty cache each time (one blob of 10,000 events fetched, checked and parsed)"));
        results.Add(await ReadAsync("read-10k-archived-warm", reads, () => store, StreamId.Parse("readarch-000001"), "the same with the segment in the reader's cache"));
        results.AddRange(await LogReadsAsync(azurite.ConnectionString, scale));
        return results;
    }

    /// <summary>
    /// The whole gap-safe log read in pages of 500 (what a rebuild, a replay from the start or the relay does): 100 streams
    /// of 1,000 interleaved events, hot, then all archived, first with an empty cache and then with every segment cached.
    /// </summary>
    private static async Task<IReadOnlyList<BenchmarkResult>> LogReadsAsync(string azurite, int scale)
    {
        const int streams = 100;
        await using var db = await BenchmarkDatabase.CreateAsync();
        var container = new BlobServiceClient(azurite, BlobArchiveStorage.ClientOptions()).GetBlobContainerClient("benchlog-" + Guid.NewGuid().ToString("N")[..12]);
        var storage = new BlobArchiveStorage(container);
        await SeedAsync(db, "logread", streams * scale, EventsPerStream);
        await db.ExecuteAsync("vacuum analyze es_events");
        var total = streams * scale * EventsPerStream;
        var store = new PostgresEventStore(db.DataSource, new EventStoreLimits(), null, new ArchiveReader(db.DataSource, storage));
        var hot = await ReadLogAsync(store, total);

        if ((await ArchiveJobs(db, store, storage, "logread").RunArchiveJobAsync(default)).Counts["eventsArchived"] != total)
        {
            throw new InvalidOperationException("log-read: not every event was archived.");
        }

        var archivedStore = new PostgresEventStore(db.DataSource, new EventStoreLimits(), null, new ArchiveReader(db.DataSource, storage));
        var cold = await ReadLogAsync(archivedStore, total);
        var warm = await ReadLogAsync(archivedStore, total);
        var note = $"{total:N0} events of {streams * scale} interleaved streams, pages of 500";
        return
        [
            new BenchmarkResult("log-read-hot", 1, hot, null, null, Note: note),
            new BenchmarkResult("log-read-archived-cold", 1, cold, null, null, Note: note + "; every event archived, segments fetched as the pages reach them"),
            new BenchmarkResult("log-read-archived-warm", 1, warm, null, null, Note: note + "; every segment in the reader's cache"),
        ];
    }

    /// <summary>The maintenance jobs with an archiver of <paramref name="categories"/>' streams untouched for 90 days (the seed makes them 100 days old).</summary>
    private static MaintenanceJobs ArchiveJobs(BenchmarkDatabase db, PostgresEventStore store, IArchiveStorage storage, params string[] categories)
    {
        var registry = BankModule.CreateRegistry();
        var snapshots = new PostgresSnapshotStore(db.DataSource);
        var repository = new AggregateRepository(store, snapshots, registry.Events, NullLogger<AggregateRepository>.Instance);
        var archiver = new EventArchiver(
            new ArchiveCatalog(db.DataSource), storage, new ArchiveOptions { Categories = categories.ToHashSet(), UntouchedFor = TimeSpan.FromDays(90) },
            registry, repository, snapshots, TimeProvider.System, NullLogger<EventArchiver>.Instance);
        return new MaintenanceJobs(
            new Postgres.Maintenance.MaintenanceStore(db.DataSource), registry, repository, snapshots,
            new JobOptions { MaxDuration = TimeSpan.FromHours(1), BatchSize = 500 }, TimeProvider.System, NullLogger<MaintenanceJobs>.Instance, archiver, storage);
    }

    private static async Task<double> ReadLogAsync(PostgresEventStore store, int total)
    {
        var watch = Stopwatch.StartNew();
        var cursor = LogCursor.Start;
        var read = 0;
        while (read < total)
        {
            var slice = await store.ReadLogAsync(cursor, 500);
            if (slice.Events.Count == 0)
            {
                throw new InvalidOperationException($"log-read: the log ended after {read} of {total} events.");
            }

            read += slice.Events.Count;
            cursor = slice.Next;
        }

        return Math.Round(read / watch.Elapsed.TotalSeconds, 1);
    }

    private static async Task<BenchmarkResult> ReadAsync(string name, int runs, Func<PostgresEventStore> store, StreamId stream, string note)
    {
        var latencies = new Latencies();
        for (var i = -3; i < runs; i++)
        {
            var reader = store();
            var sample = Stopwatch.StartNew();
            var count = 0;
            long? from = 1;
            while (from is { } f)
            {
                var page = await reader.ReadStreamAsync(stream, f, 1000);
                count += page.Events.Count;
                from = page.NextVersion;
            }

            if (count != ReadEvents)
            {
                throw new InvalidOperationException($"{name}: read {count} events.");
            }

            if (i >= 0)
            {
                latencies.Add(sample.Elapsed.TotalMilliseconds);
            }
        }

        return new BenchmarkResult(name, 1, null, latencies.Percentile(50), latencies.Percentile(99), Note: $"{note}; {runs} reads");
    }

    private static async Task<double> SizeMbAsync(BenchmarkDatabase db) =>
        Math.Round(await db.ScalarAsync("select pg_total_relation_size('es_events')") / 1048576.0, 1);

    /// <summary>Rows straight into the tables (the store's own appends would take minutes here), events of the streams interleaved as in a busy log.</summary>
    private static Task SeedAsync(BenchmarkDatabase db, string category, int streams, int events) => db.ExecuteAsync(
        $"insert into es_streams (stream_id, category, version, created_at, updated_at) select '{category}-' || lpad(s::text, 6, '0'), '{category}', {events}, now() - interval '100 days', now() - interval '100 days' from generate_series(1, {streams}) s; " +
        "insert into es_events (event_id, stream_id, stream_version, category, event_type, schema_version, data, metadata, correlation_id, created_at) " +
        $"select gen_random_uuid(), '{category}-' || lpad(s::text, 6, '0'), v, '{category}', 'Deposited', 1, " +
        "('{\"amount\":' || (v * 7 % 5000) || ',\"currency\":\"EUR\",\"reference\":\"seed ' || v || '\"}')::json, ('{\"correlationId\":\"' || s || '-' || v || '\"}')::json, s || '-' || v, " +
        $"now() - interval '100 days' + v * interval '1 ms' from generate_series(1, {events}) v, generate_series(1, {streams}) s order by v, s");
}
