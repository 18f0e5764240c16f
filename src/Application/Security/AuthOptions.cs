namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// Settings under <c>Auth</c> (read by the hosting layer): the token authority, the named API keys and what roles may
/// do. With no authority and no key the API is open, as before; <c>/api/ready</c> says so.
/// </summary>
public sealed record AuthOptions
{
    /// <summary>The OpenID Connect issuer (<c>Auth__Authority</c>), e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; null: no tokens.</summary>
    public Uri? Authority { get; init; }

    /// <summary>The discovery document; by default <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public Uri? MetadataAddress { get; init; }

    /// <summary>Accepted <c>aud</c> values (<c>Auth__Audiences</c>); at least one when an authority is set.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>Accepted <c>iss</c> values besides the one the discovery document names (<c>Auth__Issuers</c>).</summary>
    public IReadOnlyList<string> Issuers { get; init; } = [];

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Only a loopback test issuer may be reached over plain HTTP (<c>Auth__RequireHttpsMetadata=false</c>).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>
    /// The shortest time between two fetches of the issuer's keys caused by a token with an unknown key id
    /// (<c>Auth__MetadataRefreshSeconds</c>, at least 1): a rotated key is fetched on its first use, a flood of made-up
    /// key ids costs at most one fetch per interval.
    /// </summary>
    public TimeSpan MetadataRefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a validated token is remembered (<c>Auth__TokenCacheSeconds</c>, 0 = never), never past its expiry: a key
    /// the issuer withdraws stops validating new tokens at once, and tokens it signed within this time after.
    /// </summary>
    public TimeSpan TokenCacheLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Claims whose values are roles (<c>Auth__RoleClaims</c>): Entra app roles, and delegated scopes (space-separated).</summary>
    public IReadOnlyList<string> RoleClaims { get; init; } = ["roles", "scp"];

    public IReadOnlyList<ApiKeyEntry> Keys { get; init; } = [];

    /// <summary>Role name → grants (the built-in roles, overridden or extended by <c>Auth__Roles__&lt;role&gt;</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Grant>> Roles { get; init; } = BuiltInRoles.All;

    public bool TokensEnabled => Authority is not null;

    public bool KeysEnabled => Keys.Count > 0;

    /// <summary>No credential is configured: every request may do everything.</summary>
    public bool Open => !TokensEnabled && !KeysEnabled;
}

/// <summary>A named API key: its SHA-256 (the key itself is never held), and its roles.</summary>
public sealed record ApiKeyEntry(string Name, byte[] Sha256, IReadOnlyList<string> Roles);
