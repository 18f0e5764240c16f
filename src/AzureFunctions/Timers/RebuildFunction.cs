using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Functions.Timers;

/// <summary>
/// Drives projection rebuilds started over HTTP on <c>Schedules:Rebuild</c>: each tick steps every running rebuild for a
/// bounded time, well inside the function timeout. Progress is durable, so the next tick carries on where this one stopped.
/// </summary>
public sealed class RebuildFunction(ProjectionRebuilder rebuilder)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(50);

    [Function(nameof(RebuildProjections))]
    public Task RebuildProjections([TimerTrigger("%" + JobSchedules.Rebuild + "%")] TimerInfo timer, CancellationToken ct) =>
        rebuilder.StepRunningAsync(Budget, ct);
}
