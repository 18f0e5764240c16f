using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Sagas;

/// <summary>Starts sagas (validating input; an Idempotency-Key makes the start safe to retry) and reads their history.</summary>
public sealed class SagaService(SagaCatalog catalog, ISagaEngine engine, SagaExecutor executor, EventTypeRegistry events, PersonalData.PersonalDataCatalog? personalData = null, PersonalData.PersonalDataProtector? protector = null)
{
    /// <param name="principal">Who starts it: recorded on <c>SagaStarted</c>, and the saga's commands run on its behalf.</param>
    /// <param name="authorize">Checks the principal may start this saga with this input (throws when not); null when the caller has checked.</param>
    public async Task<(Guid SagaId, bool Created)> StartAsync(
        string name, JsonElement body, string? idempotencyKey, string correlationId, Principal? principal = null, Func<ISagaDefinition, JsonElement, Task>? authorize = null, CancellationToken ct = default)
    {
        if (!catalog.TryGet(name, out var definition))
        {
            throw new UnknownSagaException(name);
        }

        var input = definition.ParseInput(body);
        if (authorize is not null)
        {
            await authorize(definition, input);
        }

        // The principal is part of the key: another principal's start with the same key is another saga.
        var sagaId = idempotencyKey is null ? Guid.CreateVersion7() : IdFromKey(name, idempotencyKey, principal?.Id);
        var compared = input;
        input = await ProtectInputAsync(definition.Name, input, sagaId, ct);
        var metadata = new EventMetadata
        {
            CorrelationId = correlationId,
            CausationId = sagaId.ToString(),
            Principal = principal?.ToRecord(),
            UserId = principal is { IsAnonymous: false } ? principal.Subject : null,
        };
        var started = events.ToEventData(new SagaEvents.SagaStarted(definition.Name, input), metadata);
        var created = await engine.StartAsync(sagaId, definition.Name, started, ct);
        if (created)
        {
            Telemetry.SagasStarted.Add(1, new KeyValuePair<string, object?>("saga", definition.Name));
        }

        if (!created && idempotencyKey is not null)
        {
            var (state, _, _) = await executor.LoadAsync(sagaId, ct);
            if (!SameInput(state.Input, compared, input))
            {
                throw new InvalidInputException("Idempotency-Key", "was already used to start this saga with a different input");
            }
        }

        return (sagaId, created);
    }

    /// <summary>Encrypts the personal fields the saga declared for its input (its SagaStarted event holds the input).</summary>
    private async Task<JsonElement> ProtectInputAsync(string saga, JsonElement input, Guid sagaId, CancellationToken ct)
    {
        if (personalData is null || protector is null || !personalData.TryGetSagaInput(saga, out var declaration)
            || System.Text.Json.Nodes.JsonNode.Parse(input.GetRawText()) is not System.Text.Json.Nodes.JsonObject data)
        {
            return input;
        }

        var stream = SagaExecutor.StreamOf(sagaId);
        return await protector.ProtectAsync(data, declaration, stream.Value, "body", stream, ct) is null
            ? input
            : JsonSerializer.SerializeToElement(data, EventJson.Options);
    }

    /// <summary>A repeated start names the same saga input: the same text, or (encryption is randomised) the same fields but the encrypted ones.</summary>
    private bool SameInput(JsonElement stored, JsonElement plain, JsonElement protectedInput) =>
        stored.GetRawText() == protectedInput.GetRawText()
        || (personalData is not null && stored.ValueKind == JsonValueKind.Object && plain.ValueKind == JsonValueKind.Object
            && stored.EnumerateObject().Select(p => p.Name).Order().SequenceEqual(plain.EnumerateObject().Select(p => p.Name).Order())
            && stored.EnumerateObject().All(p => PersonalData.PersonalTokens.IsToken(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null)
                || (plain.TryGetProperty(p.Name, out var given) && given.GetRawText() == p.Value.GetRawText())));

    private static Guid IdFromKey(string name, string key, string? principal)
    {
        if (key.Length is 0 or > 200)
        {
            throw new InvalidInputException("Idempotency-Key", "must be 1 to 200 characters");
        }

        // Without a principal (an open API) the id is what it always was, so keys used before still find their saga.
        var text = principal is null or "anonymous" ? $"saga:{name}:{key}" : $"saga:{name}:{principal}:{key}";
        return new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16]);
    }
}

public sealed class UnknownSagaException(string name) : ResourceNotFoundException($"No saga named '{name}'.");
