using System.Text.RegularExpressions;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// Turns a request's credentials into one principal, the same way in both hosts: an <c>Authorization: Bearer</c>
/// token, an API key in <c>x-functions-key</c>, and on the live routes a token in the <c>access_token</c> query
/// parameter (browsers' EventSource cannot send headers). Several credentials must all be valid and name the same
/// principal. With nothing configured the API is open and every caller is <see cref="Principal.Anonymous"/>.
/// </summary>
public sealed partial class RequestAuthenticator(AuthOptions options, ApiKeyRing keys, BearerTokenValidator? tokens)
{
    public const string KeyHeader = "x-functions-key";
    public const string QueryToken = "access_token";

    public AuthOptions Options => options;

    /// <summary>What <c>/api/ready</c> reports: <c>open</c>, <c>keys</c>, <c>tokens</c> or <c>keys+tokens</c>.</summary>
    public string Mode => (options.KeysEnabled, options.TokensEnabled) switch
    {
        (false, false) => "open",
        (true, false) => "keys",
        (false, true) => "tokens",
        _ => "keys+tokens",
    };

    public BearerTokenValidator? Tokens => tokens;

    /// <param name="queryToken">The <c>access_token</c> query value (already taken out of the request), if any.</param>
    /// <param name="queryTokenAllowed">The route accepts a token in the query (the live routes).</param>
    public async Task<AuthOutcome> AuthenticateAsync(ApiRequest request, string? queryToken, bool queryTokenAllowed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Header("Authorization");
        var key = request.Header(KeyHeader);
        var presented = authorization is not null || key is not null || queryToken is not null;
        if (options.Open)
        {
            return new AuthOutcome(Principal.Anonymous, null, presented);
        }

        if (!presented)
        {
            return new AuthOutcome(null, AuthFailure.Missing, false);
        }

        var found = new List<Principal>(2);
        if (authorization is not null)
        {
            if (!TryBearer(authorization, out var token))
            {
                return Fail(AuthFailure.InvalidRequest("The Authorization header must be 'Bearer <token>' with one token."));
            }

            var outcome = await TokenAsync(token, ct);
            if (outcome.Failure is not null)
            {
                return outcome;
            }

            found.Add(outcome.Principal!);
        }

        if (queryToken is not null)
        {
            if (!queryTokenAllowed)
            {
                return Fail(AuthFailure.InvalidRequest($"A token in the {QueryToken} query parameter is accepted only on the live routes; send Authorization: Bearer."));
            }

            var outcome = await TokenAsync(queryToken, ct);
            if (outcome.Failure is not null)
            {
                return outcome;
            }

            found.Add(outcome.Principal!);
        }

        if (key is not null)
        {
            if (!keys.Any)
            {
                return Fail(AuthFailure.InvalidToken("API keys are not accepted here; send a bearer token."));
            }

            if (keys.Find(key) is not { } byKey)
            {
                return Fail(AuthFailure.InvalidToken("The API key is not valid."));
            }

            found.Add(byKey);
        }

        return found.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count() == 1
            ? new AuthOutcome(found[0], null, true)
            : Fail(AuthFailure.InvalidRequest("The credentials sent name different principals; send one."));
    }

    private async Task<AuthOutcome> TokenAsync(string token, CancellationToken ct)
    {
        if (tokens is null)
        {
            return Fail(AuthFailure.InvalidToken("Bearer tokens are not accepted here; send the API key in x-functions-key."));
        }

        var result = await tokens.ValidateAsync(token, ct);
        return result switch
        {
            { ProviderUnavailable: true } => Fail(new AuthFailure("invalid_token", result.Error!, ProviderUnavailable: true)),
            { Principal: { } principal } => new AuthOutcome(principal, null, true),
            _ => Fail(AuthFailure.InvalidToken(result.Error!)),
        };
    }

    private static AuthOutcome Fail(AuthFailure failure) => new(null, failure, true);

    /// <summary>RFC 6750 §2.1: the scheme (any case), one space, one token of the b64token characters.</summary>
    private static bool TryBearer(string header, out string token)
    {
        var match = BearerHeader().Match(header);
        token = match.Success ? match.Groups[1].Value : "";
        return match.Success;
    }

    [GeneratedRegex(@"^[Bb][Ee][Aa][Rr][Ee][Rr] ([A-Za-z0-9\-._~+/]+=*)$", RegexOptions.CultureInvariant)]
    private static partial Regex BearerHeader();
}
