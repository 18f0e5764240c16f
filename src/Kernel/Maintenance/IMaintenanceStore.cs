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
    Task<long?> PurgeStreamAsync(string streamId, TimeSpan retention, CancellationToken ct);
}

public sealed record JobRunRecord(string Job, string Owner, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Counts, string? Error);
