using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Api.RateLimiting;

namespace Serverless.EventSourcing.Application.Tests.Api;

/// <summary>The limiter's partitions and its global bucket (the HTTP behaviour is tested against both hosts).</summary>
public sealed class ApiRateLimiterTests
{
    private static ApiRequest From(string remote, string? forwardedFor = null) => new()
    {
        Method = "GET",
        Path = "/api/stats",
        RemoteAddress = remote,
        Headers = forwardedFor is null
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Forwarded-For"] = forwardedFor },
    };

    [Fact]
    public void Callers_without_a_key_have_a_bucket_per_address_and_a_key_has_its_own()
    {
        using var limiter = new ApiRateLimiter(new RateLimitOptions { PermitsPerSecond = 1, Burst = 2 });

        Assert.Null(limiter.TryAcquire(From("10.0.0.1"), null));
        Assert.Null(limiter.TryAcquire(From("10.0.0.1"), null));
        var refused = limiter.TryAcquire(From("10.0.0.1"), null);

        Assert.Equal("client", refused?.Limit);
        Assert.True(refused!.RetryAfterSeconds >= 1);
        Assert.Null(limiter.TryAcquire(From("10.0.0.2"), null));
        Assert.Null(limiter.TryAcquire(From("10.0.0.1"), "the-key"));
    }

    [Fact]
    public void The_global_bucket_refuses_every_caller_once_it_is_empty()
    {
        using var limiter = new ApiRateLimiter(new RateLimitOptions { GlobalPermitsPerSecond = 1, GlobalBurst = 3 });

        var answers = Enumerable.Range(1, 10).Select(i => limiter.TryAcquire(From($"10.0.0.{i}"), null)).ToList();

        // The three saved tokens (and any refilled meanwhile) go to whoever comes first, whatever their address.
        Assert.True(answers.Take(3).All(a => a is null));
        Assert.Contains(answers, a => a is not null);
        Assert.All(answers.Where(a => a is not null), a => Assert.Equal("global", a!.Limit));
    }

    [Fact]
    public void Forwarded_for_is_trusted_only_for_the_configured_hops_counted_from_the_right()
    {
        using var trusting = new ApiRateLimiter(new RateLimitOptions { PermitsPerSecond = 1, ForwardedForHops = 1 });
        using var direct = new ApiRateLimiter(new RateLimitOptions { PermitsPerSecond = 1 });

        // The leftmost entry is whatever the caller sent; the rightmost is what the trusted proxy saw.
        Assert.Equal("203.0.113.9", trusting.ClientAddress(From("10.1.1.1", "1.2.3.4, 203.0.113.9")));
        Assert.Equal("10.1.1.1", direct.ClientAddress(From("10.1.1.1", "1.2.3.4, 203.0.113.9")));
        Assert.Equal("10.1.1.1", trusting.ClientAddress(From("10.1.1.1")));
    }
}
