using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Maintenance;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Jobs;

/// <summary>
/// The snapshot and cleanup jobs, host-agnostic (a hosted service locally, TimerTrigger in Azure). Each run
/// holds the job's lease (a second firing is skipped, not doubled), does bounded work committing as it
/// goes, and records what it did; a run cut off anywhere leaves nothing half-done for the next one.
/// </summary>
/// <param name="archiver">The archive job's work (null: no archive configured, the job does nothing).</param>
/// <param name="archive">Where purged streams' archived segments are deleted.</param>
/// <param name="retention">Category retention policies the cleanup job enforces.</param>
public sealed class MaintenanceJobs(
    IMaintenanceStore store,
    AggregateRegistry aggregates,
    AggregateRepository repository,
    ISnapshotStore snapshots,
    JobOptions options,
    TimeProvider time,
    ILogger<MaintenanceJobs> logger,
    EventArchiver? archiver = null,
    IArchiveStorage? archive = null,
    RetentionPolicies? retention = null)
    : IStatsContributor
{
    public const string SnapshotJob = "snapshot";
    public const string CleanupJob = "cleanup";
    public const string ArchiveJob = "archive";

    public string Section => "jobs";

    public Task<JobRun> RunSnapshotJobAsync(CancellationToken ct) => RunAsync(SnapshotJob, SnapshotAsync, ct);

    public Task<JobRun> RunCleanupJobAsync(CancellationToken ct) => RunAsync(CleanupJob, CleanupAsync, ct);

    /// <summary>Moves due streams' events to the archive (README "Retention and archiving").</summary>
    public Task<JobRun> RunArchiveJobAsync(CancellationToken ct) =>
        RunAsync(ArchiveJob, (counts, deadline, c) => archiver?.RunAsync(counts, deadline, options.BatchSize, c) ?? Task.FromResult(true), ct);

    public async Task<object> CollectAsync(CancellationToken ct) =>
        (await store.LastRunsAsync(ct)).ToDictionary(r => r.Job, r => (object)new { r.Status, r.StartedAt, r.FinishedAt, counts = JsonDocument.Parse(r.Counts).RootElement, r.Error });

    private async Task<JobRun> RunAsync(string job, Func<Dictionary<string, long>, DateTimeOffset, CancellationToken, Task<bool>> work, CancellationToken ct)
    {
        var owner = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var started = time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var counts = new Dictionary<string, long>();
        if (!await store.TryLeaseAsync(job, owner, options.Lease, ct))
        {
            await store.RecordRunAsync(job, owner, "skipped", started, "{}", null);
            CountRun(job, "skipped");
            logger.LogInformation("Job {Job} skipped: another run holds it", job);
            return new JobRun(job, "skipped", started, 0, counts, null);
        }

        string status;
        string? error = null;
        try
        {
            status = await work(counts, started + options.MaxDuration, ct) ? "completed" : "partial";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            status = "failed";
            error = ex.Message;
            logger.LogError(ex, "Job {Job} failed", job);
        }
        finally
        {
            await store.ReleaseAsync(job, owner);
        }

        await store.RecordRunAsync(job, owner, status, started, JsonSerializer.Serialize(counts), error);
        CountRun(job, status);
        logger.LogInformation("Job {Job} {Status} in {DurationMs} ms: {Counts}", job, status, watch.ElapsedMilliseconds, JsonSerializer.Serialize(counts));
        return new JobRun(job, status, started, watch.Elapsed.TotalMilliseconds, counts, error);
    }

    private static void CountRun(string job, string result) =>
        Telemetry.JobRuns.Add(1, new KeyValuePair<string, object?>("job", job), new KeyValuePair<string, object?>("result", result));

    private async Task<bool> SnapshotAsync(Dictionary<string, long> counts, DateTimeOffset deadline, CancellationToken ct)
    {
        var definitions = aggregates.All.Where(d => d.Snapshots).ToDictionary(d => d.Category);
        counts["snapshotted"] = 0;
        counts["failed"] = 0;
        var failed = new HashSet<string>();
        while (true)
        {
            var due = (await store.StreamsDueForSnapshotAsync([.. definitions.Keys], options.SnapshotThreshold, options.BatchSize + failed.Count, ct))
                .Where(s => !failed.Contains(s)).ToList();
            if (due.Count == 0)
            {
                return true;
            }

            foreach (var streamId in due)
            {
                if (time.GetUtcNow() >= deadline)
                {
                    return false;
                }

                var stream = StreamId.Parse(streamId);
                var definition = definitions[stream.Category];
                try
                {
                    var loaded = await repository.LoadAsync(definition, stream, ct: ct);
                    await snapshots.SaveAsync(loaded.ToSnapshot(time.GetUtcNow()), ct);
                    counts["snapshotted"]++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One unreadable stream must not stop the others; it is reported and retried next run.
                    failed.Add(streamId);
                    counts["failed"]++;
                    logger.LogWarning(ex, "Snapshot job could not snapshot {StreamId}", streamId);
                }
            }
        }
    }

    private async Task<bool> CleanupAsync(Dictionary<string, long> counts, DateTimeOffset deadline, CancellationToken ct)
    {
        var batch = options.BatchSize;
        var policies = (retention ?? RetentionPolicies.None).Categories;
        var aggregateCategories = aggregates.All.Select(a => a.Category).ToList();
        return await DrainAsync("snapshotsPruned", () => store.PruneSnapshotsAsync(options.KeepSnapshotsPerStream, batch, ct))
            && await DrainAsync("idempotencyKeysDeleted", () => store.DeleteExpiredIdempotencyKeysAsync(batch, ct))
            && await DrainAsync("eventsOutsidePolicyDeleted", () => store.DeleteOutsidePolicyAsync(policies, aggregateCategories, batch, ct))
            && await DrainAsync("archivedSegmentsOutsidePolicyDeleted", async () =>
            {
                var blobs = await store.DeleteArchivedOutsidePolicyAsync(policies, aggregateCategories, batch, ct);
                await DeleteArchivedAsync(blobs);
                return blobs.Count;
            })
            && await PurgeAsync()
            && await DrainAsync("deadLettersDeleted", () => store.DeleteOldDeadLettersAsync(options.DeadLetterRetention, batch, ct))
            && await DrainAsync("sagaRunsDeleted", () => store.DeleteFinishedSagaRunsAsync(options.SagaStateRetention, batch, ct));

        async Task<bool> DrainAsync(string name, Func<Task<int>> step)
        {
            counts[name] = 0;
            while (time.GetUtcNow() < deadline)
            {
                var removed = await step();
                counts[name] += removed;
                if (removed < batch)
                {
                    return true;
                }
            }

            return false;
        }

        async Task<bool> PurgeAsync()
        {
            counts["streamsPurged"] = 0;
            counts["eventsPurged"] = 0;
            while (true)
            {
                var streams = await store.TombstonesPastRetentionAsync(options.TombstonedStreamRetention, batch, ct);
                foreach (var streamId in streams)
                {
                    if (time.GetUtcNow() >= deadline)
                    {
                        return false;
                    }

                    if (await store.PurgeStreamAsync(streamId, options.TombstonedStreamRetention, ct) is { } purge)
                    {
                        await snapshots.ForgetAsync(StreamId.Parse(streamId), ct);
                        await DeleteArchivedAsync(purge.ArchivedBlobs);
                        counts["streamsPurged"]++;
                        counts["eventsPurged"] += purge.Events;
                        logger.LogInformation("Purged tombstoned stream {StreamId} ({Events} events)", streamId, purge.Events);
                    }
                }

                if (streams.Count < batch)
                {
                    return true;
                }
            }
        }

        // The manifest no longer lists them, so no read reaches them; a failure here leaves orphans, never a hole.
        async Task DeleteArchivedAsync(IReadOnlyList<string> blobs)
        {
            foreach (var blob in blobs)
            {
                try
                {
                    await (archive ?? throw new ArchiveUnavailableException("no archive storage is configured")).DeleteAsync(blob, ct);
                    await archive.DeleteAsync(ArchiveSegmentFile.ManifestName(blob), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not delete archived segment {Blob}; the manifest no longer lists it, so it is an orphan no read reaches", blob);
                }
            }
        }
    }
}
