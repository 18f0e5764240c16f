namespace Serverless.EventSourcing.Archive;

/// <summary>One stream segment in the archive, as the manifest (<c>es_archive_segments</c>) records it.</summary>
public sealed record ArchiveSegment(
    string StreamId,
    long FromVersion,
    long ToVersion,
    string Category,
    int EventCount,
    long MinPosition,
    long MaxPosition,
    ulong MinTx,
    ulong MaxTx,
    DateTimeOffset FirstCreatedAt,
    DateTimeOffset LastCreatedAt,
    string BlobName,
    string Sha256)
{
    /// <summary>The manifest of a segment about to be written.</summary>
    public static ArchiveSegment Of(IReadOnlyList<ArchivedEvent> events, string blobName, string sha256)
    {
        ArgumentNullException.ThrowIfNull(events);
        return new(events[0].StreamId, events[0].Version, events[^1].Version, events[0].Category, events.Count,
            events.Min(e => e.Position), events.Max(e => e.Position), events.Min(e => e.TransactionId), events.Max(e => e.TransactionId),
            events[0].CreatedAt, events[^1].CreatedAt, blobName, sha256);
    }
}
