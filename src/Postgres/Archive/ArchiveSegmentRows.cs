using Npgsql;
using Serverless.EventSourcing.Archive;

namespace Serverless.EventSourcing.Postgres.Archive;

/// <summary>Reads rows of <c>es_archive_segments</c>.</summary>
internal static class ArchiveSegmentRows
{
    internal const string Columns =
        "stream_id, from_version, to_version, category, event_count, min_position, max_position, min_tx, max_tx, first_created_at, last_created_at, blob_name, sha256";

    internal static ArchiveSegment Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetString(3),
        reader.GetInt32(4),
        reader.GetInt64(5),
        reader.GetInt64(6),
        reader.GetFieldValue<ulong>(7),
        reader.GetFieldValue<ulong>(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetString(11),
        reader.GetString(12));

    internal static async Task<List<ArchiveSegment>> ReadAllAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var segments = new List<ArchiveSegment>();
        while (await reader.ReadAsync(ct))
        {
            segments.Add(Read(reader));
        }

        return segments;
    }
}
