using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Sagas;

/// <summary>
/// Starts a saga in an engine: records <c>SagaStarted</c> as the first event of <c>saga-&lt;id&gt;</c> and
/// schedules the instance (a local runner row, or a Durable orchestration with instance id = saga id).
/// </summary>
public interface ISagaEngine
{
    /// <returns>False when a saga with this id already existed (nothing new was scheduled).</returns>
    Task<bool> StartAsync(Guid sagaId, string sagaName, EventData started, CancellationToken ct);
}
