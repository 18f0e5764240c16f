using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Serverless.EventSourcing.Archive;

/// <summary>
/// The archive's open format: one gzip-compressed JSON Lines object per stream segment (one event per line, in version
/// order, every column of the row), and beside it a JSON manifest naming the range, the count and the SHA-256 of the
/// compressed bytes. README "Retention and archiving" documents the fields so the archive can be read without this code.
/// </summary>
public static class ArchiveSegmentFile
{
    public const string Format = "serverless-eventsourcing/archive-segment/1";

    public const string ContentType = "application/x-ndjson";

    /// <summary>Blob names: <c>{category}/{escaped stream id}/{from:D19}-{to:D19}.jsonl.gz</c> and the same with <c>.manifest.json</c>.</summary>
    public static string SegmentName(string category, string streamId, long fromVersion, long toVersion) =>
        string.Create(CultureInfo.InvariantCulture, $"{Uri.EscapeDataString(category)}/{Uri.EscapeDataString(streamId)}/{fromVersion:D19}-{toVersion:D19}.jsonl.gz");

    public static string ManifestName(string segmentName)
    {
        ArgumentNullException.ThrowIfNull(segmentName);
        return segmentName[..^".jsonl.gz".Length] + ".manifest.json";
    }

    public static byte[] Write(IReadOnlyList<ArchivedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var json = new Utf8JsonWriter(gzip))
        {
            foreach (var e in events)
            {
                json.WriteStartObject();
                json.WriteNumber("globalPosition", e.Position);
                json.WriteNumber("txId", e.TransactionId);
                json.WriteString("eventId", e.EventId);
                json.WriteString("streamId", e.StreamId);
                json.WriteNumber("streamVersion", e.Version);
                json.WriteString("category", e.Category);
                json.WriteString("eventType", e.Type);
                json.WriteNumber("schemaVersion", e.SchemaVersion);
                json.WritePropertyName("data");
                json.WriteRawValue(e.Data);
                json.WritePropertyName("metadata");
                json.WriteRawValue(e.Metadata);
                WriteNullable(json, "correlationId", e.CorrelationId);
                WriteNullable(json, "principal", e.Principal);
                json.WriteString("createdAt", e.CreatedAt);
                json.WriteEndObject();
                json.Flush();
                gzip.WriteByte((byte)'\n');
                json.Reset();
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a segment of this format.</exception>
    public static IReadOnlyList<ArchivedEvent> Read(byte[] compressed)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        var bytes = plain.GetBuffer().AsMemory(0, (int)plain.Length);
        var events = new List<ArchivedEvent>();
        while (bytes.Length > 0)
        {
            var end = bytes.Span.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? default : bytes[(end + 1)..];
            if (line.Length > 0)
            {
                events.Add(ReadLine(line));
            }
        }

        return events;
    }

    public static string Sha256(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The manifest written beside a segment: the fields of its <c>es_archive_segments</c> row.</summary>
    public static byte[] Manifest(ArchiveSegment segment, DateTimeOffset archivedAt)
    {
        ArgumentNullException.ThrowIfNull(segment);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("segment", segment.BlobName);
            json.WriteString("streamId", segment.StreamId);
            json.WriteString("category", segment.Category);
            json.WriteNumber("fromVersion", segment.FromVersion);
            json.WriteNumber("toVersion", segment.ToVersion);
            json.WriteNumber("eventCount", segment.EventCount);
            json.WriteNumber("minPosition", segment.MinPosition);
            json.WriteNumber("maxPosition", segment.MaxPosition);
            json.WriteString("firstCreatedAt", segment.FirstCreatedAt);
            json.WriteString("lastCreatedAt", segment.LastCreatedAt);
            json.WriteString("sha256", segment.Sha256);
            json.WriteString("compression", "gzip");
            json.WriteString("archivedAt", archivedAt);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static ArchivedEvent ReadLine(ReadOnlyMemory<byte> line)
    {
        using var doc = JsonDocument.Parse(line);
        var e = doc.RootElement;
        return new ArchivedEvent(
            e.GetProperty("globalPosition").GetInt64(),
            e.GetProperty("txId").GetUInt64(),
            e.GetProperty("eventId").GetGuid(),
            e.GetProperty("streamId").GetString()!,
            e.GetProperty("streamVersion").GetInt64(),
            e.GetProperty("category").GetString()!,
            e.GetProperty("eventType").GetString()!,
            e.GetProperty("schemaVersion").GetInt32(),
            e.GetProperty("data").GetRawText(),
            e.GetProperty("metadata").GetRawText(),
            e.GetProperty("correlationId").GetString(),
            e.GetProperty("principal").GetString(),
            e.GetProperty("createdAt").GetDateTimeOffset());
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
