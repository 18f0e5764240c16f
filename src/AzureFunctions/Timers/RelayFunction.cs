using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Functions.Timers;

/// <summary>
/// Moves new events from the gap-safe log to the Kafka topic on <c>Schedules:Relay</c>. A run stops when caught
/// up or when its budget is spent (well inside the function timeout); the next tick carries on from the cursor.
/// The timer trigger runs one invocation at a time across instances; should two runs ever overlap, the relay's
/// conditional cursor update keeps one cursor and the repeats downstream are harmless.
/// </summary>
public sealed class RelayFunction(EventRelay relay)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(50);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    [Function(nameof(RelayEvents))]
    public async Task RelayEvents([TimerTrigger("%" + JobSchedules.Relay + "%")] TimerInfo timer, CancellationToken ct) =>
        await relay.RunAsync(Budget, PublishTimeout, ct: ct);
}
