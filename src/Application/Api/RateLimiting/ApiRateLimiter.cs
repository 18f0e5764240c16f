using System.Threading.RateLimiting;

namespace Serverless.EventSourcing.Application.Api.RateLimiting;

/// <summary>A refused request: which limit refused it and when to retry.</summary>
public sealed record RateLimitRefusal(string Limit, int RetryAfterSeconds);

/// <summary>
/// Token buckets in front of the API, the same in both hosts (the dispatcher asks before running a route): one per
/// caller, partitioned by its authenticated principal (a key's name, a token's issuer and subject) or, without one, by
/// its address; and one for the instance. Failing fast (no queue) keeps a refused request cheap. Idle callers' buckets are dropped by the limiter.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string>? _callers;
    private readonly RateLimiter? _global;

    public ApiRateLimiter(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.PermitsPerSecond > 0)
        {
            _callers = PartitionedRateLimiter.Create<string, string>(caller =>
                RateLimitPartition.GetTokenBucketLimiter(caller, _ => Bucket(options.PermitsPerSecond, options.Burst)));
        }

        if (options.GlobalPermitsPerSecond > 0)
        {
            _global = new TokenBucketRateLimiter(Bucket(options.GlobalPermitsPerSecond, options.GlobalBurst));
        }
    }

    /// <summary>Null when the request may run; otherwise the refusal (nothing has been done for it).</summary>
    /// <param name="principal">The authenticated principal's id (partitions by principal), otherwise null (by address).</param>
    public RateLimitRefusal? TryAcquire(ApiRequest request, string? principal)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_callers is not null)
        {
            using var lease = _callers.AttemptAcquire(principal is null ? "address:" + ClientAddress(request) : "principal:" + principal);
            if (!lease.IsAcquired)
            {
                return Refusal("client", lease);
            }
        }

        if (_global is not null)
        {
            using var lease = _global.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                return Refusal("global", lease);
            }
        }

        return null;
    }

    /// <summary>The caller's address: the connection's, or the one the outermost trusted proxy recorded (see <see cref="RateLimitOptions.ForwardedForHops"/>).</summary>
    public string ClientAddress(ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_options.ForwardedForHops > 0 && request.Header("X-Forwarded-For") is { Length: > 0 } forwarded)
        {
            var hops = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (hops.Length > 0)
            {
                return hops[Math.Max(hops.Length - _options.ForwardedForHops, 0)];
            }
        }

        return request.RemoteAddress ?? "unknown";
    }

    public void Dispose()
    {
        _callers?.Dispose();
        _global?.Dispose();
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst > 0 ? burst : perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static RateLimitRefusal Refusal(string limit, RateLimitLease lease) =>
        new(limit, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max((int)Math.Ceiling(retryAfter.TotalSeconds), 1) : 1);
}
