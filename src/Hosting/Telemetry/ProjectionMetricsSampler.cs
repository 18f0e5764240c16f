using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Postgres.Projections;
using EsTelemetry = Serverless.EventSourcing.Diagnostics.Telemetry;

namespace Serverless.EventSourcing.Hosting.Telemetry;

/// <summary>
/// Reads every projection's lag and parked count on an interval for the gauges: a gauge callback runs on the exporter's
/// thread at scrape time and must never wait on the database.
/// </summary>
internal sealed class ProjectionMetricsSampler(ProjectionStatus status, MetricsOptions options, ILogger<ProjectionMetricsSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var reports = await status.ReadAsync(null, stoppingToken);
                    EsTelemetry.ReportProjections([.. reports.Select(r => new ProjectionSample(r.Name, r.LagEvents, r.LagSeconds, r.Parked))]);
                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Before the migrations ran, or while the database is away; say so once per outage.
                    if (!failing)
                    {
                        logger.LogWarning(ex, "Could not read projection status for the lag gauges; retrying every {Seconds} s", options.SampleInterval.TotalSeconds);
                    }

                    failing = true;
                }

                await Task.Delay(options.SampleInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            EsTelemetry.ReportProjections([]);
        }
    }
}
