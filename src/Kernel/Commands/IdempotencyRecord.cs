namespace Serverless.EventSourcing.Commands;

/// <param name="RequestHash">Hash of what the key was first used for: a different request under the same key is refused.</param>
/// <param name="Result">The first outcome, as JSON, returned again on every repeat.</param>
public sealed record IdempotencyRecord(string Key, string RequestHash, string Result, DateTimeOffset ExpiresAt);
