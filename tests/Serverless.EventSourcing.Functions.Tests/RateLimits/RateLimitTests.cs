using Serverless.EventSourcing.Functions.Tests.Contract;

namespace Serverless.EventSourcing.Functions.Tests.RateLimits;

/// <summary>The same limits in both hosts: the dispatcher they share applies them.</summary>
public static class RateLimitBehaviour
{
    public static async Task A_burst_over_the_limit_is_429_with_Retry_After_and_writes_nothing_while_under_it_nothing_is_refused(Hosts.ApiHost host)
    {
        // Given a caller with a full bucket
        var stream = $"note-{Api.NewId()}";

        // When it sends as many requests as its burst allows, then a burst well past it
        for (var i = 0; i < RateLimitSettings.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { i } } } }))).StatusCode);
        }

        var burst = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { i } } } }))));

        // Then under the limit nothing was refused (above); past it requests are 429 problems with Retry-After
        var refused = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(burst, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
        foreach (var response in refused)
        {
            await response.ProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is missing");
        }

        // And a refused request wrote nothing: the stream holds exactly the accepted appends
        var accepted = RateLimitSettings.Burst + burst.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(accepted, await VersionAsync(host, stream));

        // And the probes are never limited
        using var anonymous = host.NewClientWithoutKey();
        var probes = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => anonymous.GetAsync("/api/health")));
        Assert.All(probes, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
    }

    public static async Task Each_principal_has_a_bucket_of_its_own_whatever_credential_or_address_it_comes_with(Hosts.ApiHost host)
    {
        // Given a principal that used up its bucket (every caller here shares one address)
        var subject = "rl-" + Api.NewId();
        using var first = host.TokenClient(subject, "reader");
        var burst = await Task.WhenAll(Enumerable.Range(0, RateLimitSettings.Burst + 20).Select(_ => first.GetAsync("/api/events?limit=1")));
        Assert.Contains(burst, r => r.StatusCode == HttpStatusCode.TooManyRequests);

        // Then another principal from the same address is not refused, while the first one with a new token still is
        using var second = host.TokenClient("rl-" + Api.NewId(), "reader");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await second.GetAsync("/api/events?limit=1")).StatusCode);
        using var again = host.TokenClient(subject, "reader");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await again.GetAsync("/api/events?limit=1")).StatusCode);
    }

    // Read through the store's own route once the bucket has a token again (a refusal here would not be the answer).
    private static async Task<long> VersionAsync(Hosts.ApiHost host, string stream)
    {
        while (true)
        {
            var response = await host.Client.GetAsync($"/api/streams/{stream}/version");
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return (await response.JsonAsync()).GetProperty("version").GetInt64();
            }

            await Task.Delay(TimeSpan.FromSeconds(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1));
        }
    }
}

public sealed class LocalHostRateLimitTests(RateLimitedLocalHost host) : IClassFixture<RateLimitedLocalHost>
{
    [Fact]
    public Task A_burst_over_the_limit_is_429_with_Retry_After_and_writes_nothing_while_under_it_nothing_is_refused() =>
        RateLimitBehaviour.A_burst_over_the_limit_is_429_with_Retry_After_and_writes_nothing_while_under_it_nothing_is_refused(host);

    [Fact]
    public Task Each_principal_has_a_bucket_of_its_own_whatever_credential_or_address_it_comes_with() =>
        RateLimitBehaviour.Each_principal_has_a_bucket_of_its_own_whatever_credential_or_address_it_comes_with(host);
}

public sealed class FunctionsAppRateLimitTests(RateLimitedFunctionsApp host) : IClassFixture<RateLimitedFunctionsApp>
{
    [Fact]
    public Task A_burst_over_the_limit_is_429_with_Retry_After_and_writes_nothing_while_under_it_nothing_is_refused() =>
        RateLimitBehaviour.A_burst_over_the_limit_is_429_with_Retry_After_and_writes_nothing_while_under_it_nothing_is_refused(host);

    [Fact]
    public Task Each_principal_has_a_bucket_of_its_own_whatever_credential_or_address_it_comes_with() =>
        RateLimitBehaviour.Each_principal_has_a_bucket_of_its_own_whatever_credential_or_address_it_comes_with(host);
}
