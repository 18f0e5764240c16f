using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Application.Jobs;

namespace Serverless.EventSourcing.Functions.Timers;

/// <summary>
/// Snapshotting, cleanup and archiving on <c>Schedules:Snapshot</c>, <c>Schedules:Cleanup</c> and <c>Schedules:Archive</c>, the settings the local host
/// schedules the same jobs on. The jobs decide everything (what to snapshot, what retention removes) and are safe to
/// run twice; the timer trigger runs one invocation at a time across instances.
/// </summary>
public sealed class MaintenanceFunctions(MaintenanceJobs jobs)
{
    [Function(nameof(SnapshotJob))]
    public Task SnapshotJob([TimerTrigger("%" + JobSchedules.Snapshot + "%")] TimerInfo timer, CancellationToken ct) => jobs.RunSnapshotJobAsync(ct);

    [Function(nameof(CleanupJob))]
    public Task CleanupJob([TimerTrigger("%" + JobSchedules.Cleanup + "%")] TimerInfo timer, CancellationToken ct) => jobs.RunCleanupJobAsync(ct);

    [Function(nameof(ArchiveJob))]
    public Task ArchiveJob([TimerTrigger("%" + JobSchedules.Archive + "%")] TimerInfo timer, CancellationToken ct) => jobs.RunArchiveJobAsync(ct);
}
