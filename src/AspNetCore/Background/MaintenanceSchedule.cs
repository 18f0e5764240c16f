using NCrontab;
using Serverless.EventSourcing.Application.Jobs;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>
/// Runs the maintenance jobs on the same NCRONTAB schedules (6 fields, seconds first) the Azure timers
/// read: <c>Schedules:Snapshot</c>, <c>Schedules:Cleanup</c> and <c>Schedules:Archive</c>.
/// </summary>
public sealed class MaintenanceSchedule(MaintenanceJobs jobs, IConfiguration configuration, TimeProvider time, ILogger<MaintenanceSchedule> logger) : BackgroundService
{
    // The defaults of local.settings.sample.json, for a host started without them.
    private static readonly Dictionary<string, string> Defaults = new() { [JobSchedules.Snapshot] = "0 */5 * * * *", [JobSchedules.Cleanup] = "0 30 3 * * *", [JobSchedules.Archive] = "0 0 4 * * *" };

    public static CrontabSchedule Parse(string key, string? expression) =>
        CrontabSchedule.TryParse(expression ?? "", new CrontabSchedule.ParseOptions { IncludingSeconds = true })
        ?? throw new InvalidOperationException($"Setting {key} must be a 6-field NCRONTAB expression (seconds first), not '{expression}'.");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        RunOnScheduleAsync(JobSchedules.Snapshot, jobs.RunSnapshotJobAsync, stoppingToken),
        RunOnScheduleAsync(JobSchedules.Cleanup, jobs.RunCleanupJobAsync, stoppingToken),
        RunOnScheduleAsync(JobSchedules.Archive, jobs.RunArchiveJobAsync, stoppingToken));

    private async Task RunOnScheduleAsync(string key, Func<CancellationToken, Task<JobRun>> job, CancellationToken ct)
    {
        var schedule = Parse(key, configuration[key] is { Length: > 0 } configured ? configured : Defaults[key]);
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, ct);
                await job(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Scheduled job {Schedule} failed", key);
            }
        }
    }
}
