using System.IO.Compression;
using Serverless.EventSourcing.Archive;

namespace Serverless.EventSourcing.Application.Tests.Archive;

/// <summary>Archived events read the same through every read the store has, and the archive holds what its manifest says.</summary>
public class ArchiveReadTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task An_archived_stream_reads_exactly_as_before_through_every_store_read_and_appends_continue_it()
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, category);
        var stream = await h.StreamWithEventsAsync(category, 250);
        var other = await h.StreamWithEventsAsync(category, 30);
        var hotElsewhere = await h.StreamWithEventsAsync(ArchiveHarness.NewCategory(), 20);
        var middle = (await h.Store.ReadStreamAsync(stream, 120, 1)).Events[0].CreatedAt;

        var before = await ReadsAsync(h, stream, category, middle);
        var run = await h.Jobs.RunArchiveJobAsync(default);

        Assert.Equal("completed", run.Status);
        Assert.Equal(280, run.Counts["eventsArchived"]);
        Assert.Equal(4, run.Counts["segmentsWritten"]);
        Assert.Equal(0L, await h.HotCountAsync(stream));
        Assert.Equal(250L, await h.ArchivedCountAsync(stream));
        Assert.Equal(20L, await h.HotCountAsync(hotElsewhere));
        Assert.Equal(250, (await h.Store.GetStreamAsync(stream))!.ArchivedVersion);
        var after = await ReadsAsync(h, stream, category, middle);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (read, events) in before)
        {
            Assert.True(events == after[read], $"{read} differs after archiving:\n{events}\n---\n{after[read]}");
        }

        // The stream goes on in PostgreSQL: the next version follows the archived ones.
        var appended = await h.Store.AppendAsync(stream, ExpectedVersion.Exactly(250), [new EventData("Noted", """{"n":251}""")]);
        Assert.Equal(251, appended.NextExpectedVersion);
        Assert.Equal(Enumerable.Range(1, 251).Select(v => (long)v), (await h.ReadAllForwardAsync(stream, 64)).Select(e => e.StreamVersion));
        Assert.Equal(Enumerable.Range(1, 251).Select(v => (long)v), (await h.Store.ReadForFoldAsync(stream, 0, long.MaxValue)).Select(e => e.StreamVersion));
        Assert.Equal(30L, await h.ArchivedCountAsync(other));
    }

    [Fact]
    public async Task The_archive_is_readable_without_this_code_gzip_json_lines_with_a_manifest_that_matches()
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, category);
        var stream = await h.StreamWithEventsAsync(category, 120);
        var rows = await h.Store.ReadStreamAsync(stream, 1, 200);
        await h.Jobs.RunArchiveJobAsync(default);

        var blobs = new List<string>();
        await foreach (var blob in h.Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, category + "/", default))
        {
            blobs.Add(blob.Name);
        }

        var prefix = $"{category}/{Uri.EscapeDataString(stream.Value)}/";
        Assert.Equal(
            new[] { $"{prefix}0000000000000000001-0000000000000000100.jsonl.gz", $"{prefix}0000000000000000001-0000000000000000100.manifest.json", $"{prefix}0000000000000000101-0000000000000000120.jsonl.gz", $"{prefix}0000000000000000101-0000000000000000120.manifest.json" }.Order(),
            blobs.Order());

        // Plain gzip + one JSON object per line, read with nothing but the BCL.
        var bytes = (await h.Container.GetBlobClient(blobs.First(b => b.EndsWith("0100.jsonl.gz", StringComparison.Ordinal))).DownloadContentAsync()).Value.Content.ToArray();
        using var reader = new StreamReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress));
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal(rows.Events[0].GlobalPosition, first.RootElement.GetProperty("globalPosition").GetInt64());
        Assert.Equal(rows.Events[0].EventId, first.RootElement.GetProperty("eventId").GetGuid());
        Assert.Equal(rows.Events[0].Data, first.RootElement.GetProperty("data").GetRawText());
        Assert.Equal("Counted", first.RootElement.GetProperty("eventType").GetString());

        var manifestBytes = (await h.Container.GetBlobClient(blobs.First(b => b.EndsWith("0100.manifest.json", StringComparison.Ordinal))).DownloadContentAsync()).Value.Content.ToArray();
        using var manifest = System.Text.Json.JsonDocument.Parse(manifestBytes);
        Assert.Equal(ArchiveSegmentFile.Format, manifest.RootElement.GetProperty("format").GetString());
        Assert.Equal(100, manifest.RootElement.GetProperty("eventCount").GetInt32());
        Assert.Equal(ArchiveSegmentFile.Sha256(bytes), manifest.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(ArchiveSegmentFile.Sha256(bytes), await db.ScalarAsync<string>("select sha256 from es_archive_segments where stream_id = $1 and from_version = 1", stream.Value));
    }

    [Fact]
    public async Task A_segment_changed_in_storage_is_refused_not_served()
    {
        var category = ArchiveHarness.NewCategory();
        var h = await ArchiveHarness.CreateAsync(db, category);
        var stream = await h.StreamWithEventsAsync(category, 10);
        await h.Jobs.RunArchiveJobAsync(default);
        var name = await db.ScalarAsync<string>("select blob_name from es_archive_segments where stream_id = $1", stream.Value);
        var forged = ArchiveSegmentFile.Write([.. (await h.Reader.ReadStreamAsync(stream.Value, 1, 10, default)).Select(e => e with { Data = """{"n":999}""" })]);
        await h.Container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(forged), overwrite: true);

        // A fresh reader: nothing cached.
        var fresh = new Serverless.EventSourcing.Postgres.EventStore.PostgresEventStore(db.DataSource, new EventStoreLimits(), null, new Serverless.EventSourcing.Postgres.Archive.ArchiveReader(db.DataSource, h.Storage));
        var error = await Assert.ThrowsAsync<ArchiveUnavailableException>(() => fresh.ReadStreamAsync(stream, 1, 10));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Each read in a comparable text form.</summary>
    private static async Task<Dictionary<string, string>> ReadsAsync(ArchiveHarness h, StreamId stream, string category, DateTimeOffset middle)
    {
        static string Text(IEnumerable<EventEnvelope> events) => string.Join("\n", events.Select(e => $"{e.GlobalPosition}|{e.EventId}|{e.StreamId}|{e.StreamVersion}|{e.Type}|{e.Data}|{e.MetadataJson}|{e.CorrelationId}|{e.CreatedAt:O}"));
        var reads = new Dictionary<string, string>
        {
            ["forward by 40"] = Text(await h.ReadAllForwardAsync(stream, 40)),
            ["forward by 1000"] = Text(await h.ReadAllForwardAsync(stream, 1000)),
            ["backward by 33"] = Text(await h.ReadAllBackwardAsync(stream, 33)),
            ["from version 99, 5"] = Text((await h.Store.ReadStreamAsync(stream, 99, 5)).Events),
            ["backward from 150, 7"] = Text((await h.Store.ReadStreamAsync(stream, 150, 7, ReadDirection.Backward)).Events),
            ["fold"] = string.Join(",", (await h.Store.ReadForFoldAsync(stream, 0, long.MaxValue)).Select(e => $"{e.StreamVersion}:{e.Type}:{e.Data}")),
            ["fold 100..160"] = string.Join(",", (await h.Store.ReadForFoldAsync(stream, 100, 160)).Select(e => $"{e.StreamVersion}:{e.Data}")),
            ["log"] = Text(await h.ReadLogOfAsync(category)),
            ["query category"] = Text(await h.QueryAllAsync(new EventQuery { Category = category, Limit = 45 })),
            ["query stream, types"] = Text(await h.QueryAllAsync(new EventQuery { StreamId = stream.Value, EventTypes = ["Counted"], Limit = 20 })),
            ["query correlation"] = Text(await h.QueryAllAsync(new EventQuery { Category = category, CorrelationId = "c-2", Limit = 30 })),
            ["query versions"] = Text(await h.QueryAllAsync(new EventQuery { StreamId = stream.Value, FromVersion = 90, ToVersion = 130, Limit = 100 })),
            ["query time"] = Text(await h.QueryAllAsync(new EventQuery { StreamId = stream.Value, To = middle, Limit = 100 })),
            ["version at middle"] = (await h.Store.GetVersionAtAsync(stream, middle)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var start = await h.Store.LogStartAfterAsync(null);
        reads["log start"] = start.AfterPosition.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return reads;
    }
}
