using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Jobs;

/// <summary>
/// The archive job's work: for each due stream, segment by segment, write the events to the archive, read them back
/// and check count and SHA-256, and only then delete the rows in the transaction that records the segment. A run
/// stopped anywhere leaves each event either in PostgreSQL or in a recorded segment: an upload without its commit is
/// an orphan the next run overwrites (names are deterministic), and a commit is all or nothing.
/// </summary>
public sealed class EventArchiver(
    IArchiveCatalog catalog,
    IArchiveStorage storage,
    ArchiveOptions options,
    AggregateRegistry aggregates,
    AggregateRepository repository,
    ISnapshotStore snapshots,
    TimeProvider time,
    ILogger<EventArchiver> logger)
{
    private static readonly TimeSpan HorizonPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Called at each step (tests interrupt runs there); null in production.</summary>
    public Func<ArchiveStep, ArchiveSegment, CancellationToken, Task>? OnStep { get; set; }

    internal async Task<bool> RunAsync(Dictionary<string, long> counts, DateTimeOffset deadline, int batch, CancellationToken ct)
    {
        counts["streamsArchived"] = 0;
        counts["segmentsWritten"] = 0;
        counts["eventsArchived"] = 0;
        counts["snapshotsTaken"] = 0;
        counts["streamsDeferred"] = 0;
        if (options.Categories.Count == 0)
        {
            return true;
        }

        // Each stream once per run: one that keeps being appended to stays a candidate, and the next run takes the rest.
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var due = (await catalog.CandidatesAsync(options.Categories, options.UntouchedFor, batch + visited.Count, ct)).Where(c => visited.Add(c.StreamId)).ToList();
            if (due.Count == 0)
            {
                return true;
            }

            foreach (var candidate in due)
            {
                if (time.GetUtcNow() >= deadline)
                {
                    return false;
                }

                if (!await ArchiveStreamAsync(candidate, counts, deadline, ct))
                {
                    // The horizon is the database's: every other stream would wait for the same open transaction.
                    counts["streamsDeferred"]++;
                    return false;
                }
            }
        }
    }

    /// <returns>False when the log horizon did not pass the stream's rows in time (nothing of the range was archived).</returns>
    private async Task<bool> ArchiveStreamAsync(ArchiveCandidate candidate, Dictionary<string, long> counts, DateTimeOffset deadline, CancellationToken ct)
    {
        var upper = await ArchivableUpToAsync(candidate, counts, ct);
        var from = candidate.ArchivedVersion + 1;
        var moved = false;
        var horizonPassed = true;
        while (from <= upper && time.GetUtcNow() < deadline)
        {
            var rows = await ReadBelowHorizonAsync(candidate.StreamId, from, Math.Min(upper, from + options.SegmentEvents - 1), deadline, ct);
            if (rows.HeldBack)
            {
                logger.LogWarning(
                    "Archive run stopped at {StreamId} version {Version}: the log horizon has not passed it for {WaitSeconds} s (an open append holds it back)",
                    candidate.StreamId, from + rows.Events.Count, options.HorizonWait.TotalSeconds);
                horizonPassed = false;
                break;
            }

            var events = rows.Events;
            if (events.Count == 0)
            {
                break;
            }

            if (!await ArchiveSegmentAsync(events, ct))
            {
                break;
            }

            counts["segmentsWritten"]++;
            counts["eventsArchived"] += events.Count;
            moved = true;
            from = events[^1].Version + 1;
        }

        if (moved)
        {
            counts["streamsArchived"]++;
            logger.LogInformation("Archived {StreamId} up to version {Version}", candidate.StreamId, from - 1);
        }

        return horizonPassed;
    }

    /// <summary>
    /// The range's rows, read again while the horizon holds part of it back, so a horizon that lags for a moment does
    /// not cut a segment short or skip a stream.
    /// </summary>
    private async Task<ArchiveRows> ReadBelowHorizonAsync(string streamId, long from, long to, DateTimeOffset deadline, CancellationToken ct)
    {
        var until = time.GetUtcNow() + options.HorizonWait;
        until = until < deadline ? until : deadline;
        while (true)
        {
            var rows = await catalog.ReadEventsAsync(streamId, from, to, ct);
            if (!rows.HeldBack || time.GetUtcNow() >= until)
            {
                return rows;
            }

            await Task.Delay(HorizonPoll, time, ct);
        }
    }

    /// <summary>An aggregate's events go only as far as a snapshot covers, so its loads never need the archive; one is taken if it is behind.</summary>
    private async Task<long> ArchivableUpToAsync(ArchiveCandidate candidate, Dictionary<string, long> counts, CancellationToken ct)
    {
        if (!aggregates.TryGet(candidate.Category, out var definition))
        {
            return candidate.Version;
        }

        if (!definition.Snapshots)
        {
            return 0;
        }

        if (candidate.SnapshotVersion >= candidate.Version)
        {
            return candidate.SnapshotVersion;
        }

        var loaded = await repository.LoadAsync(definition, StreamId.Parse(candidate.StreamId), ct: ct);
        await snapshots.SaveAsync(loaded.ToSnapshot(time.GetUtcNow()), ct);
        counts["snapshotsTaken"]++;
        return loaded.Version;
    }

    private async Task<bool> ArchiveSegmentAsync(IReadOnlyList<ArchivedEvent> events, CancellationToken ct)
    {
        var name = ArchiveSegmentFile.SegmentName(events[0].Category, events[0].StreamId, events[0].Version, events[^1].Version);
        var content = ArchiveSegmentFile.Write(events);
        var segment = ArchiveSegment.Of(events, name, ArchiveSegmentFile.Sha256(content));
        await StepAsync(ArchiveStep.BeforeUpload, segment, ct);
        await storage.WriteAsync(name, content, ArchiveSegmentFile.ContentType, ct);
        await storage.WriteAsync(ArchiveSegmentFile.ManifestName(name), ArchiveSegmentFile.Manifest(segment, time.GetUtcNow()), "application/json", ct);
        await StepAsync(ArchiveStep.AfterUpload, segment, ct);

        var back = await storage.ReadAsync(name, ct);
        var readBack = ArchiveSegmentFile.Read(back);
        if (ArchiveSegmentFile.Sha256(back) != segment.Sha256 || readBack.Count != events.Count || readBack[^1].Position != events[^1].Position)
        {
            throw new ArchiveUnavailableException($"Segment {name} did not read back as written; nothing was deleted.");
        }

        await StepAsync(ArchiveStep.AfterVerify, segment, ct);
        if (!await catalog.CommitSegmentAsync(segment, OnStep is null ? null : c => OnStep(ArchiveStep.BeforeCommit, segment, c), ct))
        {
            logger.LogInformation("Archive of {StreamId} from version {Version} was done by another run", segment.StreamId, segment.FromVersion);
            return false;
        }

        await StepAsync(ArchiveStep.AfterCommit, segment, ct);
        return true;
    }

    private Task StepAsync(ArchiveStep step, ArchiveSegment segment, CancellationToken ct) => OnStep?.Invoke(step, segment, ct) ?? Task.CompletedTask;
}
