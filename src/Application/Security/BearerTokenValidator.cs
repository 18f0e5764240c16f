using System.Collections;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// Validates OAuth 2.0 / OpenID Connect access tokens with Microsoft.IdentityModel: the issuer's discovery document and
/// keys come through <see cref="IssuerMetadata"/> (cached, refreshed when a token names an unknown key id), and
/// <see cref="JsonWebTokenHandler"/> checks signature, algorithm, issuer, audience and lifetime. Nothing here parses a
/// token or checks a signature itself.
/// </summary>
public sealed class BearerTokenValidator
{
    /// <summary>Asymmetric algorithms only: an HMAC token "signed" with a public key never validates.</summary>
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly IssuerMetadata _metadata;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly AuthOptions _options;
    private readonly ILogger<BearerTokenValidator> _logger;
    private readonly MemoryCache? _validated;

    public BearerTokenValidator(AuthOptions options, ILogger<BearerTokenValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        var authority = options.Authority ?? throw new InvalidOperationException("Auth:Authority is required for bearer tokens.");
        var address = options.MetadataAddress ?? new Uri(authority.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration");
        // A slow issuer must not hold requests for the HttpClient default of 100 s.
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _metadata = new IssuerMetadata(address.AbsoluteUri, new HttpDocumentRetriever(http) { RequireHttps = options.RequireHttpsMetadata }, options.MetadataRefreshInterval);
        _parameters = new TokenValidationParameters
        {
            ConfigurationManager = _metadata,
            ValidAudiences = options.Audiences,
            ValidIssuers = options.Issuers.Count > 0 ? options.Issuers : null,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = Algorithms,
            ClockSkew = options.ClockSkew,
        };
        if (options.TokenCacheLifetime > TimeSpan.Zero)
        {
            _validated = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxCachedTokens });
        }
    }

    /// <summary>Validated tokens remembered (by their SHA-256): a busy API sees the same few thousand tokens again and again.</summary>
    public const int MaxCachedTokens = 10_000;

    /// <summary>True once the discovery document and keys could be fetched (or are cached).</summary>
    public async Task<bool> MetadataAvailableAsync(CancellationToken ct)
    {
        try
        {
            await _metadata.GetAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The address is configuration, not a secret; the exception may hold a response body, so it stays out.
            _logger.LogWarning("The token issuer's metadata at {MetadataAddress} cannot be fetched ({Error})", _metadata.MetadataAddress, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// The principal of a valid token. A token validated moments ago is taken from memory (until it expires, for at most
    /// <see cref="AuthOptions.TokenCacheLifetime"/>): signature checks were a sixth of a deposit's cost. Only valid tokens
    /// are remembered, keyed by their digest, so the cache holds no token.
    /// </summary>
    public async Task<TokenOutcome> ValidateAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        var digest = _validated is null ? null : Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (digest is not null && _validated!.TryGetValue(digest, out Principal? known) && known is not null)
        {
            return TokenOutcome.Valid(known);
        }

        var outcome = await ValidateUncachedAsync(token, ct);
        if (digest is not null && outcome.Principal is { } principal && outcome.ValidTo is { } validTo)
        {
            var until = DateTimeOffset.UtcNow + _options.TokenCacheLifetime;
            _validated!.Set(digest, principal, new MemoryCacheEntryOptions { AbsoluteExpiration = validTo < until ? validTo : until, Size = 1 });
        }

        return outcome;
    }

    private async Task<TokenOutcome> ValidateUncachedAsync(string token, CancellationToken ct)
    {
        if (!await MetadataAvailableAsync(ct))
        {
            return TokenOutcome.Unavailable;
        }

        // The handler writes to the parameters it is given, so every validation gets its own copy.
        var result = await _handler.ValidateTokenAsync(token, _parameters.Clone());
        if (!result.IsValid)
        {
            return TokenOutcome.Invalid(Describe(result.Exception));
        }

        var claims = result.Claims;
        var subject = Text(claims, "sub");
        var issuer = result.Issuer ?? Text(claims, "iss");
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(issuer))
        {
            return TokenOutcome.Invalid("The token has no subject (sub).");
        }

        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in _options.RoleClaims)
        {
            if (claims.TryGetValue(claim, out var value))
            {
                roles.UnionWith(Values(value));
            }
        }

        return TokenOutcome.Valid(result.SecurityToken.ValidTo, new Principal
        {
            Id = $"{issuer}|{subject}",
            Kind = PrincipalKind.Token,
            Issuer = issuer,
            Subject = subject,
            ClientId = Text(claims, "azp") ?? Text(claims, "appid") ?? Text(claims, "client_id"),
            Roles = roles,
            Claims = claims.Where(c => c.Value is string).ToDictionary(c => c.Key, c => (string)c.Value, StringComparer.Ordinal),
        });
    }

    /// <summary>The RFC 6750 <c>error_description</c>: what was wrong, never the token or its claims.</summary>
    private static string Describe(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAudienceException => "The token is not meant for this API (audience).",
        SecurityTokenInvalidIssuerException => "The token's issuer is not accepted.",
        SecurityTokenSignatureKeyNotFoundException => "The token is signed with a key the issuer does not publish.",
        SecurityTokenInvalidSignatureException => "The token's signature is missing or invalid, or its algorithm is not accepted.",
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is invalid.",
    };

    private static string? Text(IDictionary<string, object> claims, string name) =>
        claims.TryGetValue(name, out var value) && value is string text ? text : null;

    /// <summary>A role claim: an array of roles, or a space-separated string (OAuth scopes).</summary>
    private static IEnumerable<string> Values(object value) => value switch
    {
        string text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        IEnumerable items => items.Cast<object?>().Select(i => i?.ToString()).OfType<string>(),
        _ => [],
    };
}
