using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>A validated token's principal, or why it was refused, or that the issuer's keys cannot be had (503).</summary>
/// <param name="ValidTo">When a valid token expires.</param>
public sealed record TokenOutcome(Principal? Principal, string? Error, bool ProviderUnavailable = false, DateTimeOffset? ValidTo = null)
{
    public static TokenOutcome Valid(Principal principal) => new(principal, null);

    public static TokenOutcome Valid(DateTime validTo, Principal principal) => new(principal, null, ValidTo: new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc)));

    public static TokenOutcome Invalid(string description) => new(null, description);

    public static TokenOutcome Unavailable { get; } = new(null, "the token issuer's keys cannot be fetched", ProviderUnavailable: true);
}
