using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// Why a request is not authenticated, as RFC 6750 words it: <c>invalid_request</c> (malformed, or credentials that
/// contradict each other), <c>invalid_token</c> (expired, wrong audience, bad signature…), or no error code at all when
/// no credential was sent. <see cref="ProviderUnavailable"/>: the token could not be checked (503, not 401).
/// </summary>
public sealed record AuthFailure(string? Error, string Description, bool ProviderUnavailable = false)
{
    public static AuthFailure Missing { get; } = new(null, "A credential is required: an Authorization: Bearer token or an x-functions-key.");

    public static AuthFailure InvalidRequest(string description) => new("invalid_request", description);

    public static AuthFailure InvalidToken(string description) => new("invalid_token", description);
}

/// <summary>The principal a request authenticated as, or why not. <see cref="Presented"/>: some credential was sent.</summary>
public sealed record AuthOutcome(Principal? Principal, AuthFailure? Failure, bool Presented)
{
    public bool Succeeded => Principal is not null;
}
