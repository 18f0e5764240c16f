using System.Text.Json;
using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>A command in the string-and-JSON form HTTP delivers it in; code uses the typed entry of <see cref="CommandPipeline"/>.</summary>
/// <param name="Body">The command payload as received (parsed and validated by the command's handler).</param>
/// <param name="ExpectedVersion">Set from <c>If-Match</c>: the caller pins the version, so a conflict is returned, not retried.</param>
public sealed record CommandRequest(
    string AggregateType,
    string AggregateId,
    string Command,
    JsonElement Body,
    ExpectedVersion? ExpectedVersion = null,
    string? IdempotencyKey = null,
    string? CorrelationId = null,
    string? CausationId = null,
    string? UserId = null,
    Principal? Principal = null,
    ICommandGuard? Guard = null)
{
    public CommandContext Context => new(ExpectedVersion, IdempotencyKey, CorrelationId, CausationId, UserId, Principal, Guard);
}
