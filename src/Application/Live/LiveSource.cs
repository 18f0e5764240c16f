using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>One event as a subscriber receives it: the id to resume after, and the envelope.</summary>
public sealed record LiveEvent(string Id, EventEnvelope Envelope);

/// <param name="More">More events are ready now (read again at once rather than wait).</param>
/// <param name="End">Set when the feed is over for good (the stream was deleted): the close reason.</param>
/// <param name="Wake">
/// When nothing more is ready: completes when reading again is worth it (the instance's log reader took events). Null when
/// the source read the database: then this instance's next append or the poll interval wakes it.
/// </param>
public sealed record LiveBatch(IReadOnlyList<LiveEvent> Events, bool More, string? End = null, Task? Wake = null);

/// <summary>A feed a subscription reads forward, from where the subscriber resumes: one stream, or the global log. Disposed when the subscription ends.</summary>
public interface ILiveSource : IDisposable
{
    /// <summary>"stream" or "log": the metrics tag.</summary>
    string Feed { get; }

    /// <summary>The next events after the last one read, at most <paramref name="max"/>.</summary>
    Task<LiveBatch> ReadAsync(int max, CancellationToken ct);
}
