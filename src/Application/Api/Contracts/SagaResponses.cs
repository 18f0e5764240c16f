using System.Text.Json;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Api.Contracts;

/// <summary>A saga accepted (202): where to follow it, and whether this request started it (false: an earlier one with the same Idempotency-Key did).</summary>
public sealed record SagaStartedResponse(Guid SagaId, string Saga, string StatusUrl, bool Created);

/// <summary>A saga's status and the events of its own stream.</summary>
public sealed record SagaStatusResponse(Guid SagaId, string Saga, SagaStatus Status, string? Reason, JsonElement Input, long Version, IReadOnlyList<SagaHistoryEntry> History);

/// <summary>One event of a saga's stream.</summary>
public sealed record SagaHistoryEntry(string Type, long Version, DateTimeOffset At, JsonElement Data);
