using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Commands;

/// <summary>What travels with a command besides its payload.</summary>
/// <param name="ExpectedVersion">Pins the version (If-Match): a stale one is a conflict, not waited out.</param>
/// <param name="IdempotencyKey">Makes retries safe: a repeat returns the first outcome.</param>
/// <param name="CorrelationId">Written into every event's metadata.</param>
/// <param name="CausationId">What caused the command (a saga, another command); defaults to the command's own id.</param>
public sealed record CommandContext(
    ExpectedVersion? ExpectedVersion = null,
    string? IdempotencyKey = null,
    string? CorrelationId = null,
    string? CausationId = null,
    string? UserId = null)
{
    public static CommandContext None { get; } = new();
}
