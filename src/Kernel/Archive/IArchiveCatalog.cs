namespace Serverless.EventSourcing.Archive;

/// <summary>The database side of the archive job: which streams are due, their rows, and the switch from rows to a segment.</summary>
public interface IArchiveCatalog
{
    /// <summary>Live streams of <paramref name="categories"/> untouched for <paramref name="untouchedFor"/> with events not yet archived, oldest first.</summary>
    Task<IReadOnlyList<ArchiveCandidate>> CandidatesAsync(IReadOnlyCollection<string> categories, TimeSpan untouchedFor, int limit, CancellationToken ct);

    /// <summary>The stream's events in [<paramref name="fromVersion"/>, <paramref name="toVersion"/>] that every log reader can already see, in version order.</summary>
    Task<ArchiveRows> ReadEventsAsync(string streamId, long fromVersion, long toVersion, CancellationToken ct);

    /// <summary>
    /// In one transaction: records the segment in the manifest, moves the stream's archived version to its end and
    /// deletes its rows, checking that exactly those rows went. <paramref name="beforeCommit"/> runs inside it.
    /// </summary>
    /// <returns>False, with nothing changed, when the stream is no longer where the segment starts (another run archived it).</returns>
    Task<bool> CommitSegmentAsync(ArchiveSegment segment, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct);
}

/// <param name="SnapshotVersion">The newest snapshot's version (0: none): aggregates archive only what a snapshot covers.</param>
public sealed record ArchiveCandidate(string StreamId, string Category, long Version, long ArchivedVersion, long SnapshotVersion);

/// <summary>The rows of a range the archive job may take now.</summary>
/// <param name="Events">Contiguous from the range's start and below the log horizon, in version order.</param>
/// <param name="HeldBack">
/// The range goes on with a row the log horizon has not passed yet. The horizon can lag a committed row for a moment
/// (it is computed conservatively), so the job waits and reads again rather than cutting the segment short.
/// </param>
public sealed record ArchiveRows(IReadOnlyList<ArchivedEvent> Events, bool HeldBack);
