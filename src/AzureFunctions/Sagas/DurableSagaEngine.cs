using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Functions.Sagas;

/// <summary>
/// The saga engine of the Functions app (Program.cs registers it over the shared registration's local engine):
/// records <c>SagaStarted</c> as the first event of <c>saga-&lt;id&gt;</c>, then schedules <see cref="SagaOrchestrator"/>
/// with instance id = saga id. Not a function; it holds the only Durable-specific decision of the app.
/// <para>
/// The isolated worker has no supported way to get a <see cref="DurableTaskClient"/> from DI: the host hands the
/// client's gRPC address to each invocation through the <c>[DurableClient]</c> binding
/// (azure-functions-durable-extension #2698 and #2736 ask for a factory; #3369 shows a DI-registered
/// <c>AddDurableTaskClient(b =&gt; b.UseGrpc())</c> pointing at a port the host no longer listens on). So the
/// StartSaga function binds <c>[DurableClient]</c> and the HTTP adapter makes it this engine's client for the
/// invocation with <see cref="UseClient"/>; starting a saga from anywhere else fails loudly.
/// </para>
/// </summary>
public sealed class DurableSagaEngine(IEventStore store) : ISagaEngine
{
    private static readonly AsyncLocal<DurableTaskClient?> Client = new();

    /// <summary>Makes <paramref name="client"/> the engine's client for the current invocation (its async flow) until disposed.</summary>
    public static IDisposable UseClient(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var previous = Client.Value;
        Client.Value = client;
        return new Restore(previous);
    }

    public async Task<bool> StartAsync(Guid sagaId, string sagaName, EventData started, CancellationToken ct)
    {
        var client = Client.Value
            ?? throw new InvalidOperationException("No Durable client: sagas start only from a function that binds [DurableClient] and passes it to the HTTP adapter (StartSaga).");
        var instanceId = sagaId.ToString();
        bool created;
        try
        {
            // A repeat of the very same first event (same event id) is an idempotent no-op: not a new saga either.
            created = !(await store.AppendAsync(SagaExecutor.StreamOf(sagaId), ExpectedVersion.NoStream, [started], ct)).WasDuplicate;
        }
        catch (WrongExpectedVersionException)
        {
            created = false;
        }

        // A start retried with the same Idempotency-Key finds the history already there. The orchestration is then
        // scheduled again only if an earlier start stopped between the two writes (no instance) or its orchestration
        // failed for good on infrastructure (the executor carries on from the history, so re-walking is safe).
        if (created || await client.GetInstanceAsync(instanceId, false, ct) is null or { RuntimeStatus: OrchestrationRuntimeStatus.Failed })
        {
            await client.ScheduleNewOrchestrationInstanceAsync(SagaOrchestrator.Name, sagaId, new StartOrchestrationOptions { InstanceId = instanceId }, ct);
        }

        return created;
    }

    private sealed class Restore(DurableTaskClient? previous) : IDisposable
    {
        public void Dispose() => Client.Value = previous;
    }
}
