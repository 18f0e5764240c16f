namespace Serverless.EventSourcing.Application.Api.RateLimiting;

/// <summary>
/// Settings under <c>RateLimits</c>: token buckets per caller (its API key, or its address without one) and one for the
/// whole instance. A rate of 0 turns that limit off; a burst of 0 means one second's worth.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>Tokens each caller gets per second (<c>RateLimits__PermitsPerSecond</c>).</summary>
    public int PermitsPerSecond { get; init; }

    /// <summary>The most tokens a caller can save up, i.e. its largest burst (<c>RateLimits__Burst</c>).</summary>
    public int Burst { get; init; }

    /// <summary>Tokens per second for all callers together on this instance (<c>RateLimits__GlobalPermitsPerSecond</c>).</summary>
    public int GlobalPermitsPerSecond { get; init; }

    public int GlobalBurst { get; init; }

    /// <summary>
    /// Proxies in front of the app whose <c>X-Forwarded-For</c> entries are trusted (<c>RateLimits__ForwardedForHops</c>):
    /// 0 takes the connection's address; N takes the Nth address from the right of the header, the one the outermost
    /// trusted proxy saw (entries further left are whatever the caller sent, so they are never used).
    /// </summary>
    public int ForwardedForHops { get; init; }

    public bool Enabled => PermitsPerSecond > 0 || GlobalPermitsPerSecond > 0;
}
