namespace Serverless.EventSourcing.Maintenance;

/// <summary>The storage side of the scheduled jobs: leases, run records, due streams, bounded deletes and purges.</summary>
public interface IMaintenanceStore
{
    Task<bool> TryLeaseAsync(string job, string owner, TimeSpan lease, CancellationToken ct);

    Task ReleaseAsync(string job, string owner);

    Task RecordRunAsync(string job, string owner, string status, DateTimeOffset started, string countsJson, string? error);

    Task<IReadOnlyList<JobRunRecord>> LastRunsAsync(CancellationToken ct);

    Task<IReadOnlyList<string>> StreamsDueForSnapshotAsync(string[] categories, long threshold, int limit, CancellationToken ct);

    Task<int> PruneSnapshotsAsync(int keep, int limit, CancellationToken ct);

    Task<int> DeleteExpiredIdempotencyKeysAsync(int limit, CancellationToken ct);

    Task<int> DeleteOldDeadLettersAsync(TimeSpan retention, int limit, CancellationToken ct);

    Task<int> DeleteFinishedSagaRunsAsync(TimeSpan retention, int limit, CancellationToken ct);

    Task<IReadOnlyList<string>> TombstonesPastRetentionAsync(TimeSpan retention, int limit, CancellationToken ct);

    /// <summary>Hard-deletes a tombstoned stream past retention; the number of events removed, or null if it was not purgeable.</summary>
    Task<StreamPurge?> PurgeStreamAsync(string streamId, TimeSpan retention, CancellationToken ct);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> events that the retention policies in force hide (each stream's own over its
    /// category's in <paramref name="categories"/>); in <paramref name="aggregateCategories"/> never above the newest snapshot.
    /// </summary>
    Task<int> DeleteOutsidePolicyAsync(IReadOnlyDictionary<string, Retention.StreamPolicy> categories, IReadOnlyCollection<string> aggregateCategories, int limit, CancellationToken ct);

    /// <summary>The same for archived segments whose every event the policies hide: drops them from the manifest.</summary>
    /// <returns>The dropped segments' blob names, to delete from the archive.</returns>
    Task<IReadOnlyList<string>> DeleteArchivedOutsidePolicyAsync(IReadOnlyDictionary<string, Retention.StreamPolicy> categories, IReadOnlyCollection<string> aggregateCategories, int limit, CancellationToken ct);
}

/// <param name="Events">Events removed, hot and archived.</param>
/// <param name="ArchivedBlobs">Archive segments (and their manifests) the purge dropped from the manifest, to delete from the archive.</param>
public sealed record StreamPurge(long Events, IReadOnlyList<string> ArchivedBlobs);

public sealed record JobRunRecord(string Job, string Owner, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Counts, string? Error);
