using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>The token issuer away: a token cannot be checked, so the answer is 503 (not 401), readiness says why, and keys still work.</summary>
public static class IssuerOutage
{
    public static async Task Is_503_until_the_issuer_is_back_then_its_keys_serve_through_the_next_outage(ApiHost host)
    {
        // Given an issuer that is down before the host ever fetched its keys
        host.Issuer.Down = true;
        using var client = host.TokenClient("ada", "admin");
        var stream = $"note-{Api.NewId()}";
        var append = () => client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { } } } }));

        // When a token arrives: 503 with Retry-After, nothing written; readiness fails naming the issuer
        var refused = await append();
        await refused.ProblemAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable");
        Assert.NotNull(refused.Headers.RetryAfter);
        using var ops = host.KeyClient("ops");
        var ready = await ops.GetAsync("/api/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains((await ready.JsonAsync()).GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "token-issuer" && !c.GetProperty("healthy").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{stream}")).StatusCode);

        // And a key does not need the issuer
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/api/projections")).StatusCode);

        // Then once it is back (after the retry interval) tokens work; when it goes away again, the keys fetched serve on
        host.Issuer.Down = false;
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        Assert.Equal(HttpStatusCode.Created, (await append()).StatusCode);
        host.Issuer.Down = true;
        Assert.Equal(HttpStatusCode.Created, (await append()).StatusCode);
        host.Issuer.Down = false;
    }
}

public sealed class LocalHostIssuerOutageTests(LocalHostWithOwnIssuer host) : IClassFixture<LocalHostWithOwnIssuer>
{
    [Fact]
    public Task Is_503_until_the_issuer_is_back_then_its_keys_serve_through_the_next_outage() => IssuerOutage.Is_503_until_the_issuer_is_back_then_its_keys_serve_through_the_next_outage(host);
}

public sealed class FunctionsAppIssuerOutageTests(FunctionsAppWithOwnIssuer host) : IClassFixture<FunctionsAppWithOwnIssuer>
{
    [Fact]
    public Task Is_503_until_the_issuer_is_back_then_its_keys_serve_through_the_next_outage() => IssuerOutage.Is_503_until_the_issuer_is_back_then_its_keys_serve_through_the_next_outage(host);
}
