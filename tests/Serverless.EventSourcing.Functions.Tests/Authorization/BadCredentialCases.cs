using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>
/// Credentials that must be refused with 401 (RFC 6750 error and description in <c>WWW-Authenticate</c>) and change
/// nothing, and the token handling around them (key rotation, the query token of the live routes). Each case runs
/// against both hosts, with an issuer of the fixture's own (cases rotate its keys).
/// </summary>
public static class BadCredentialCases
{
    public static IReadOnlyDictionary<string, Func<ApiHost, Task>> All { get; } = new Dictionary<string, Func<ApiHost, Task>>
    {
        ["an expired token"] = host => RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddMinutes(-10))), "invalid_token", "expired"),
        ["a token not valid yet"] = host => RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddHours(1))), "invalid_token", "not valid yet"),
        ["a token for another audience"] = host => RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], audience: "api://someone-else")), "invalid_token", "audience"),
        ["a token from another issuer"] = host => RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], issuer: "https://issuer.example/")), "invalid_token", "issuer"),
        ["a token with a bad signature"] = host => RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], signingCredentials: new(OidcIssuer.UnpublishedKey(host.Issuer.SigningKey.KeyId), SecurityAlgorithms.RsaSha256))), "invalid_token", "signature"),
        ["an unsigned token (alg: none)"] = host => RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], unsigned: true)), "invalid_token", "signature"),
        ["an HMAC token signed with the issuer's public key (algorithm confusion)"] = host =>
        {
            // The attacker knows the public key: every byte form of it is tried as the HMAC secret.
            var rsa = host.Issuer.SigningKey.Rsa;
            var forms = new[] { rsa.ExportSubjectPublicKeyInfo(), Encoding.UTF8.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()), rsa.ExportParameters(false).Modulus! };
            return Task.WhenAll(forms.Select(secret => RefusedAsync(
                host,
                Bearer(host.Issuer.Token("ada", ["admin"], signingCredentials: new(new SymmetricSecurityKey(secret) { KeyId = host.Issuer.SigningKey.KeyId }, SecurityAlgorithms.HmacSha256))),
                "invalid_token",
                "signature")));
        },
        ["a token whose key id is still unknown after a refresh of the issuer's keys"] = async host =>
        {
            var fetched = host.Issuer.KeyRequests;
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // past the refresh interval (Auth:MetadataRefreshSeconds = 1)
            await RefusedAsync(host, Bearer(host.Issuer.Token("ada", ["admin"], signingCredentials: new(OidcIssuer.UnpublishedKey("k-never-published"), SecurityAlgorithms.RsaSha256))), "invalid_token", "key");
            Assert.True(host.Issuer.KeyRequests > fetched, "an unknown key id makes the host fetch the issuer's keys again");
        },
        ["a malformed Authorization header"] = async host =>
        {
            foreach (var header in new[] { "Bearer", "Bearer ", "Bearer a b", "bearer\tabc", "Basic YWRhOnB3" })
            {
                await RefusedAsync(host, ("Authorization", header), "invalid_request", "Authorization");
            }

            await RefusedAsync(host, Bearer("not-a-jwt"), "invalid_token", "malformed");
            await RefusedAsync(host, Bearer("a.b.c"), "invalid_token", "malformed");
        },
        ["two credentials that name different principals"] = async host =>
        {
            var token = host.Issuer.Token("ada", ["admin"]);
            await RefusedAsync(host, "invalid_request", "different principals", Bearer(token), ("x-functions-key", ApiHost.Key));

            // On a live route: a header token and a query token of two subjects.
            var other = host.Issuer.Token("bob", ["admin"]);
            using var client = host.BearerClient(token);
            var (sse, response) = await SseClient.OpenAsync(client, $"/api/events/live?access_token={other}");
            Assert.Null(sse);
            await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        },
        ["a key that is not one of the configured keys"] = host => RefusedAsync(host, ("x-functions-key", ApiHost.NamedKeys["ops"].Key + "x"), "invalid_token", "API key"),
        ["a token signed with a key the issuer rotated in is accepted on its first use"] = async host =>
        {
            host.Issuer.Rotate();
            // An unknown key id makes the host fetch the keys at once, at most once per refresh interval (1 s here):
            // the cases before this one may have used up the current one.
            await Task.Delay(TimeSpan.FromSeconds(1.1));
            using var client = host.TokenClient("ada", "admin");
            var response = await client.PostAsync($"/api/streams/note-{Api.NewId()}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { } } } }));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        },
        ["a live route takes the token in the access_token query parameter; other routes refuse it"] = async host =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            var token = host.Issuer.Token("ada", ["reader"]);
            using var anonymous = host.NewClientWithoutKey();
            var (sse, _) = await SseClient.OpenAsync(anonymous, $"/api/streams/{stream}/live?fromVersion=1&access_token={token}");
            await using (sse)
            {
                Assert.NotNull(sse);
                Assert.Equal(["1"], (await sse!.ReadEventsAsync(1, TimeSpan.FromSeconds(30))).Select(m => m.Id));
            }

            var refused = await anonymous.GetAsync($"/api/streams/{stream}/events?access_token={token}");
            var problem = await refused.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Contains("error=\"invalid_request\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(token, problem.GetRawText(), StringComparison.Ordinal);
        },
    };

    public static TheoryData<string> Names => new(All.Keys);

    private static (string, string) Bearer(string token) => ("Authorization", "Bearer " + token);

    private static Task RefusedAsync(ApiHost host, (string Name, string Value) credential, string error, string describes) =>
        RefusedAsync(host, error, describes, credential);

    /// <summary>An append with the credentials is 401 with the RFC 6750 error, the description says why, and no event is written.</summary>
    private static async Task RefusedAsync(ApiHost host, string error, string describes, params (string Name, string Value)[] credentials)
    {
        var stream = $"note-{Api.NewId()}";
        using var client = host.NewClientWithoutKey();
        var response = await client.SendAsync(HttpMethod.Post, $"/api/streams/{stream}/events", new { events = new[] { new { type = "noted", data = new { } } } }, credentials);
        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains($"error=\"{error}\"", challenge, StringComparison.Ordinal);
        Assert.Contains(describes, challenge, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(describes, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }
}

/// <summary>A local host with an issuer of its own.</summary>
public sealed class LocalHostWithOwnIssuer : LocalHostHost
{
    protected override Task<OidcIssuer> CreateIssuerAsync() => OidcIssuer.StartAsync();
}

/// <summary>The Functions app's function classes with an issuer of their own.</summary>
public sealed class FunctionsAppWithOwnIssuer : FunctionsAppHost
{
    protected override Task<OidcIssuer> CreateIssuerAsync() => OidcIssuer.StartAsync();
}

public sealed class LocalHostBadCredentialTests(LocalHostWithOwnIssuer host) : IClassFixture<LocalHostWithOwnIssuer>
{
    [Theory]
    [MemberData(nameof(BadCredentialCases.Names), MemberType = typeof(BadCredentialCases))]
    public Task Holds(string name) => BadCredentialCases.All[name](host);
}

public sealed class FunctionsAppBadCredentialTests(FunctionsAppWithOwnIssuer host) : IClassFixture<FunctionsAppWithOwnIssuer>
{
    [Theory]
    [MemberData(nameof(BadCredentialCases.Names), MemberType = typeof(BadCredentialCases))]
    public Task Holds(string name) => BadCredentialCases.All[name](host);
}
