using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>
/// The local delivery of events to projections: one catch-up loop per projection over the gap-safe log,
/// woken at once by in-process appends and polling for everyone else's. Each loop beats a heartbeat
/// that readiness watches.
/// </summary>
public sealed class ProjectionLoops(
    ProjectionDispatcher dispatcher, ProjectionCatchUp catchUp, AppendSignal signal, ProjectionLoopHealth health, IConfiguration configuration, ILogger<ProjectionLoops> logger)
    : BackgroundService
{
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(Hosting.EventSourcingSettings.Int(configuration, "Projections:PollMilliseconds", 250, min: 10));

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var projection in dispatcher.Projections)
        {
            health.Expect(projection.Name);
        }

        return Task.WhenAll(dispatcher.Projections.Select(p => Task.Run(() => RunAsync(p, stoppingToken), stoppingToken)));
    }

    private Task RunAsync(IProjection projection, CancellationToken ct) =>
        DeliveryLoop.RunAsync(projection.Name, token => catchUp.StepAsync(projection, token), health, signal, _poll, logger, ct);
}
