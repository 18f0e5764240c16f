using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Hosting.Archive;
using Serverless.EventSourcing.Postgres.Archive;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Maintenance;
using Serverless.EventSourcing.Retention;

namespace Serverless.EventSourcing.Application.Tests.Archive;

/// <summary>The bank over a real database with the archive in a container of its own on Azurite.</summary>
public sealed class ArchiveHarness
{
    private ArchiveHarness(PostgresDatabase db, BlobContainerClient container, ArchiveOptions options, RetentionPolicies? retention)
    {
        Db = db;
        Container = container;
        Storage = new BlobArchiveStorage(container);
        Reader = new ArchiveReader(db.DataSource, Storage);
        Retention = retention ?? RetentionPolicies.None;
        Store = new PostgresEventStore(db.DataSource, new EventStoreLimits(), null, Reader, Retention);
        Bank = new BankServices(db.DataSource, new CommandOptions { SnapshotPolicy = SnapshotPolicy.Never }, store: Store);
        Archiver = new EventArchiver(new ArchiveCatalog(db.DataSource), Storage, options, Bank.Registry, Bank.Repository, Bank.Snapshots, TimeProvider.System, NullLogger<EventArchiver>.Instance);
        Jobs = new MaintenanceJobs(
            new MaintenanceStore(db.DataSource), Bank.Registry, Bank.Repository, Bank.Snapshots, new JobOptions { MaxDuration = TimeSpan.FromMinutes(2) },
            TimeProvider.System, NullLogger<MaintenanceJobs>.Instance, Archiver, Storage, Retention);
    }

    public PostgresDatabase Db { get; }

    public BlobContainerClient Container { get; }

    public IArchiveStorage Storage { get; }

    public ArchiveReader Reader { get; }

    public RetentionPolicies Retention { get; }

    public PostgresEventStore Store { get; }

    public BankServices Bank { get; }

    public EventArchiver Archiver { get; }

    public MaintenanceJobs Jobs { get; }

    public static async Task<ArchiveHarness> CreateAsync(PostgresDatabase db, params string[] categories) =>
        await CreateAsync(db, new ArchiveOptions { Categories = categories.ToHashSet(), UntouchedFor = TimeSpan.Zero, SegmentEvents = 100 });

    public static async Task<ArchiveHarness> CreateAsync(PostgresDatabase db, ArchiveOptions options, RetentionPolicies? retention = null, string? connectionString = null)
    {
        var cs = connectionString ?? (await AzuriteServer.GetSharedAsync()).ConnectionString;
        // One container per database: reads of the log meet every segment of the database, whichever test archived it.
        var database = new Npgsql.NpgsqlConnectionStringBuilder(db.DataSource.ConnectionString).Database!;
        var name = "archive-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(database)))[..24];
        var container = new BlobServiceClient(cs, BlobArchiveStorage.ClientOptions()).GetBlobContainerClient(name);
        return new ArchiveHarness(db, container, options, retention);
    }

    /// <summary>A category of its own per test: the job archives whole categories, and the database is shared by a class.</summary>
    public static string NewCategory() => "arch" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Appends <paramref name="count"/> small events to a stream in batches, returning its id.</summary>
    public async Task<StreamId> StreamWithEventsAsync(string category, int count, int batch = 50)
    {
        var stream = StreamId.For(category, Guid.NewGuid().ToString("N")[..8]);
        for (var from = 0; from < count; from += batch)
        {
            var events = Enumerable.Range(from, Math.Min(batch, count - from))
                .Select(i => new EventData(Guid.NewGuid(), i % 3 == 0 ? "Counted" : "Noted", $$"""{"n":{{i + 1}},"text":"event {{i + 1}}"}""", new EventMetadata { CorrelationId = $"c-{i % 4}" }))
                .ToList();
            await Store.AppendAsync(stream, ExpectedVersion.Exactly(from), events);
        }

        return stream;
    }

    /// <summary>Every event of the stream through forward pages of <paramref name="page"/>.</summary>
    public async Task<List<EventEnvelope>> ReadAllForwardAsync(StreamId stream, int page)
    {
        var events = new List<EventEnvelope>();
        long? from = 1;
        while (from is { } f)
        {
            var slice = await Store.ReadStreamAsync(stream, f, page);
            events.AddRange(slice.Events);
            from = slice.NextVersion;
        }

        return events;
    }

    public async Task<List<EventEnvelope>> ReadAllBackwardAsync(StreamId stream, int page)
    {
        var events = new List<EventEnvelope>();
        long? from = 0;
        while (from is { } f)
        {
            var slice = await Store.ReadStreamAsync(stream, f, page, ReadDirection.Backward);
            events.AddRange(slice.Events);
            from = slice.NextVersion;
        }

        return events;
    }

    /// <summary>
    /// The whole log from the start, in pages, filtered to one category, up to the category's last event now. A page
    /// can come up short for a moment (the horizon is conservative), so idle pages are waited through, for 30 s at most.
    /// </summary>
    public async Task<List<EventEnvelope>> ReadLogOfAsync(string category, int page = 37)
    {
        var last = await Db.ScalarAsync<long>(
            "select greatest((select max(global_position) from es_events where category = $1), (select max(max_position) from es_archive_segments where category = $1), 0)", category);
        var events = new List<EventEnvelope>();
        var cursor = LogCursor.Start;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && (events.Count == 0 ? last > 0 : events[^1].GlobalPosition < last);)
        {
            var slice = await Store.ReadLogAsync(cursor, page);
            events.AddRange(slice.Events.Where(e => e.Category == category));
            cursor = slice.Next;
            if (slice.Events.Count == 0)
            {
                await Task.Delay(20);
            }
        }

        return events;
    }

    public async Task<List<EventEnvelope>> QueryAllAsync(EventQuery query)
    {
        var events = new List<EventEnvelope>();
        var page = await Store.QueryAsync(query);
        events.AddRange(page.Events);
        while (page.NextAfterPosition is { } next)
        {
            page = await Store.QueryAsync(query with { AfterPosition = next });
            events.AddRange(page.Events);
        }

        return events;
    }

    public static List<long> Versions(IEnumerable<EventEnvelope> events) => events.Select(e => e.StreamVersion).ToList();

    public Task<long> HotCountAsync(StreamId stream) => Db.ScalarAsync<long>("select count(*) from es_events where stream_id = $1", stream.Value);

    public Task<long> ArchivedCountAsync(StreamId stream) => Db.ScalarAsync<long>("select coalesce(sum(event_count), 0) from es_archive_segments where stream_id = $1", stream.Value);
}
