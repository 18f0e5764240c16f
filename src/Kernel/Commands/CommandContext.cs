using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>What travels with a command besides its payload.</summary>
/// <param name="ExpectedVersion">Pins the version (If-Match): a stale one is a conflict, not waited out.</param>
/// <param name="IdempotencyKey">Makes retries safe: a repeat returns the first outcome.</param>
/// <param name="CorrelationId">Written into every event's metadata.</param>
/// <param name="CausationId">What caused the command (a saga, another command); defaults to the command's own id.</param>
/// <param name="UserId">The end user the events are recorded for (a token's subject, or asserted by a trusted key).</param>
/// <param name="Principal">Who is authenticated: recorded in every event's metadata by the server.</param>
/// <param name="Guard">Checks the principal may run the command on the locked state; none when the caller already checked.</param>
public sealed record CommandContext(
    ExpectedVersion? ExpectedVersion = null,
    string? IdempotencyKey = null,
    string? CorrelationId = null,
    string? CausationId = null,
    string? UserId = null,
    Principal? Principal = null,
    ICommandGuard? Guard = null)
{
    public static CommandContext None { get; } = new();
}
