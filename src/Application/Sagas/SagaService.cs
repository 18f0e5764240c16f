using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Sagas;

/// <summary>Starts sagas (validating input; an Idempotency-Key makes the start safe to retry) and reads their history.</summary>
public sealed class SagaService(SagaCatalog catalog, ISagaEngine engine, SagaExecutor executor, EventTypeRegistry events)
{
    public async Task<(Guid SagaId, bool Created)> StartAsync(string name, JsonElement body, string? idempotencyKey, string correlationId, CancellationToken ct)
    {
        if (!catalog.TryGet(name, out var definition))
        {
            throw new UnknownSagaException(name);
        }

        var input = definition.ParseInput(body);
        var sagaId = idempotencyKey is null ? Guid.CreateVersion7() : IdFromKey(name, idempotencyKey);
        var started = events.ToEventData(new SagaEvents.SagaStarted(definition.Name, input), new EventMetadata { CorrelationId = correlationId, CausationId = sagaId.ToString() });
        var created = await engine.StartAsync(sagaId, definition.Name, started, ct);
        if (created)
        {
            Telemetry.SagasStarted.Add(1, new KeyValuePair<string, object?>("saga", definition.Name));
        }

        if (!created && idempotencyKey is not null)
        {
            var (state, _, _) = await executor.LoadAsync(sagaId, ct);
            if (state.Input.GetRawText() != input.GetRawText())
            {
                throw new InvalidInputException("Idempotency-Key", "was already used to start this saga with a different input");
            }
        }

        return (sagaId, created);
    }

    private static Guid IdFromKey(string name, string key)
    {
        if (key.Length is 0 or > 200)
        {
            throw new InvalidInputException("Idempotency-Key", "must be 1 to 200 characters");
        }

        return new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"saga:{name}:{key}"))[..16]);
    }
}

public sealed class UnknownSagaException(string name) : ResourceNotFoundException($"No saga named '{name}'.");
