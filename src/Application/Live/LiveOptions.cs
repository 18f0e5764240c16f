namespace Serverless.EventSourcing.Application.Live;

/// <summary>Settings under <c>Live</c> for live subscriptions, SSE and WebSocket (README, "Live subscriptions").</summary>
public sealed record LiveOptions
{
    /// <summary>Open subscriptions this instance serves at once (<c>Live__MaxSubscribers</c>); one more is 503 with Retry-After.</summary>
    public int MaxSubscribers { get; init; } = 5000;

    /// <summary>
    /// Newest events the instance's one log reader keeps in memory for all subscribers (<c>Live__WindowEvents</c>); a
    /// subscriber further behind reads the database itself until it is back in the window.
    /// </summary>
    public int WindowEvents { get; init; } = 4096;

    /// <summary>Events read ahead for one subscriber (<c>Live__BufferEvents</c>): its memory is bounded by this, never by its lag.</summary>
    public int BufferEvents { get; init; } = 256;

    /// <summary>A comment line this often keeps proxies and load balancers from closing an idle stream (<c>Live__HeartbeatSeconds</c>).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a subscriber may take nothing (<c>Live__StallSeconds</c>): a buffer full for this long ends the stream with
    /// an <c>overflow</c> close message, and a single write blocked this long drops the connection.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest life of one connection (<c>Live__MaxConnectionSeconds</c>, 0 = none); it then ends with a <c>max-duration</c>
    /// close message and the client resumes with Last-Event-ID. On Azure Functions keep it under the platform limits.
    /// </summary>
    public TimeSpan? MaxConnection { get; init; }

    /// <summary>How often the log reader looks for events appended by other instances (<c>Live__PollMilliseconds</c>); this instance's appends wake it at once.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(500);
}
