using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Serverless.EventSourcing.Archive;

namespace Serverless.EventSourcing.Postgres.Archive;

/// <summary>
/// Fetches archived segments for the store's reads: the manifest rows from PostgreSQL, the events from the archive
/// storage, checked against the manifest's count and SHA-256, and kept parsed in a bounded cache (segments never change).
/// </summary>
public sealed class ArchiveReader(NpgsqlDataSource dataSource, IArchiveStorage? storage, long cacheBytes = 64L * 1024 * 1024) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(cacheBytes, 1) });

    /// <summary>The stream's segments that hold versions in [<paramref name="fromVersion"/>, <paramref name="toVersion"/>], in version order.</summary>
    public async Task<List<ArchiveSegment>> StreamSegmentsAsync(string streamId, long fromVersion, long toVersion, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select {ArchiveSegmentRows.Columns} from es_archive_segments where stream_id = $1 and to_version >= $2 and from_version <= $3 order by from_version");
        command.Parameters.AddWithValue(streamId);
        command.Parameters.AddWithValue(fromVersion);
        command.Parameters.AddWithValue(toVersion);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ArchiveSegmentRows.ReadAllAsync(reader, ct);
    }

    /// <summary>The archived events of a stream in [<paramref name="fromVersion"/>, <paramref name="toVersion"/>], in version order.</summary>
    /// <param name="max">Stop after this many events that <paramref name="keep"/> accepts.</param>
    public async Task<List<ArchivedEvent>> ReadStreamAsync(string streamId, long fromVersion, long toVersion, CancellationToken ct, int max = int.MaxValue, Func<ArchivedEvent, bool>? keep = null)
    {
        var events = new List<ArchivedEvent>();
        foreach (var segment in await StreamSegmentsAsync(streamId, fromVersion, toVersion, ct))
        {
            foreach (var e in await LoadAsync(segment, ct))
            {
                if (e.Version >= fromVersion && e.Version <= toVersion && (keep is null || keep(e)))
                {
                    events.Add(e);
                    if (events.Count >= max)
                    {
                        return events;
                    }
                }
            }
        }

        return events;
    }

    /// <summary>The segment's events in version order.</summary>
    public async Task<IReadOnlyList<ArchivedEvent>> LoadAsync(ArchiveSegment segment, CancellationToken ct) => (await LoadCachedAsync(segment, ct)).Events;

    /// <summary>The segment's events in log order, (transaction id, position), for the gap-safe log's pages to search.</summary>
    internal async Task<IReadOnlyList<ArchivedEvent>> LoadInLogOrderAsync(ArchiveSegment segment, CancellationToken ct) => (await LoadCachedAsync(segment, ct)).InLogOrder;

    private async Task<CachedSegment> LoadCachedAsync(ArchiveSegment segment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (_cache.TryGetValue(segment.BlobName, out CachedSegment? cached) && cached is not null)
        {
            return cached;
        }

        if (storage is null)
        {
            throw new ArchiveUnavailableException($"Stream {segment.StreamId} has archived events (versions {segment.FromVersion}-{segment.ToVersion}) and no archive storage is configured (Archive__ConnectionString or Archive__BlobServiceUri).");
        }

        byte[] bytes;
        try
        {
            bytes = await storage.ReadAsync(segment.BlobName, ct);
        }
        catch (Exception ex) when (ex is not ArchiveUnavailableException and not OperationCanceledException)
        {
            throw new ArchiveUnavailableException($"The archive could not be read (segment {segment.BlobName}).", ex);
        }

        if (ArchiveSegmentFile.Sha256(bytes) != segment.Sha256)
        {
            throw new ArchiveUnavailableException($"Archive segment {segment.BlobName} does not match its manifest's SHA-256.");
        }

        var events = ArchiveSegmentFile.Read(bytes);
        if (events.Count != segment.EventCount)
        {
            throw new ArchiveUnavailableException($"Archive segment {segment.BlobName} holds {events.Count} events, its manifest says {segment.EventCount}.");
        }

        var segmentEntry = new CachedSegment(events, [.. events.OrderBy(e => e.TransactionId).ThenBy(e => e.Position)]);
        // Size: the parsed strings dominate; twice the JSON text is a fair bound per event.
        var size = events.Sum(e => 2L * (e.Data.Length + e.Metadata.Length + e.StreamId.Length + e.Type.Length) + 200);
        _cache.Set(segment.BlobName, segmentEntry, new MemoryCacheEntryOptions { Size = size });
        return segmentEntry;
    }

    public void Dispose() => _cache.Dispose();
}

/// <summary>A parsed segment in both orders its readers need.</summary>
internal sealed record CachedSegment(IReadOnlyList<ArchivedEvent> Events, IReadOnlyList<ArchivedEvent> InLogOrder);
