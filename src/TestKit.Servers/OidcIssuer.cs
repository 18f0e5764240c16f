using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// A throwaway OpenID Connect issuer for tests: Kestrel on a free loopback port serving the discovery document and
/// the JWKS of RSA keys made at start, and minting tokens with Microsoft.IdentityModel. Keys can be rotated and the
/// issuer taken down, so tests exercise the real discovery, key refresh and validation paths (no mocked validator).
/// </summary>
public sealed class OidcIssuer : IAsyncDisposable
{
    public const string Audience = "api://serverless-eventsourcing-tests";

    private static readonly Lazy<Task<OidcIssuer>> Shared = new(() => StartAsync());

    private readonly WebApplication _app;
    private readonly List<RsaSecurityKey> _published = [];
    private readonly object _gate = new();
    private int _discoveryRequests;
    private int _keyRequests;

    private OidcIssuer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Issuer = address.AbsoluteUri;
        SigningKey = NewKey();
        _published.Add(SigningKey);
    }

    /// <summary>The issuer's URL (the <c>iss</c> of its tokens and the authority for discovery).</summary>
    public string Issuer { get; }

    public Uri Address { get; }

    /// <summary>The key new tokens are signed with; published in the JWKS.</summary>
    public RsaSecurityKey SigningKey { get; private set; }

    /// <summary>While true, discovery and keys answer 503 (the issuer is down).</summary>
    public bool Down { get; set; }

    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    public int KeyRequests => Volatile.Read(ref _keyRequests);

    public static Task<OidcIssuer> GetSharedAsync() => Shared.Value;

    /// <summary>An issuer of its own (for tests that rotate keys or take it down).</summary>
    public static async Task<OidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        OidcIssuer? issuer = null;
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) => issuer!.DiscoveryAsync(context));
        app.MapGet("/keys", (HttpContext context) => issuer!.KeysAsync(context));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        issuer = new OidcIssuer(app, address);
        return issuer;
    }

    /// <summary>Makes a new signing key and publishes it beside the old ones (<paramref name="dropOld"/>: instead of them).</summary>
    public RsaSecurityKey Rotate(bool dropOld = false)
    {
        var key = NewKey();
        lock (_gate)
        {
            if (dropOld)
            {
                _published.Clear();
            }

            _published.Add(key);
            SigningKey = key;
        }

        return key;
    }

    /// <summary>A key of the right shape that the issuer never publishes.</summary>
    public static RsaSecurityKey UnpublishedKey(string? keyId = null) => NewKey(keyId);

    /// <summary>
    /// A token as the issuer would mint it (valid for an hour, for <see cref="Audience"/>), with what a test changes.
    /// </summary>
    public string Token(
        string subject,
        IEnumerable<string>? roles = null,
        IDictionary<string, object>? claims = null,
        string? audience = Audience,
        string? issuer = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        SigningCredentials? signingCredentials = null,
        bool unsigned = false)
    {
        var now = DateTime.UtcNow;
        var payload = new Dictionary<string, object>(claims ?? new Dictionary<string, object>()) { ["sub"] = subject };
        if (roles is not null)
        {
            payload["roles"] = roles.ToArray();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = expires ?? now.AddHours(1),
            Claims = payload,
            SigningCredentials = unsigned ? null : signingCredentials ?? new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static RsaSecurityKey NewKey(string? keyId = null) =>
        new(RSA.Create(2048)) { KeyId = keyId ?? "k-" + Guid.NewGuid().ToString("N")[..10] };

    private Task DiscoveryAsync(HttpContext context)
    {
        Interlocked.Increment(ref _discoveryRequests);
        if (Down)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }

        var document = new OpenIdConnectConfiguration { Issuer = Issuer, JwksUri = new Uri(Address, "keys").AbsoluteUri };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(OpenIdConnectConfiguration.Write(document));
    }

    private Task KeysAsync(HttpContext context)
    {
        Interlocked.Increment(ref _keyRequests);
        if (Down)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }

        var set = new JsonWebKeySet();
        lock (_gate)
        {
            foreach (var key in _published)
            {
                // The public half only.
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
                jwk.Use = "sig";
                jwk.Alg = SecurityAlgorithms.RsaSha256;
                set.Keys.Add(jwk);
            }
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(set));
    }
}
