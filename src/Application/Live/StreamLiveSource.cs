using System.Globalization;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// One stream from a version on. A stream has no gaps to fear: versions are assigned under the stream's lock and the
/// next append waits for the commit of the one before, so version N+1 is never visible before N. The SSE id is the version.
/// Events of types the subscriber may not read (<paramref name="visibleTypes"/>) are passed over.
/// </summary>
public sealed class StreamLiveSource(IEventStore store, StreamId stream, long fromVersion, IReadOnlySet<string>? visibleTypes = null) : ILiveSource
{
    private long _next = fromVersion;

    public string Feed => "stream";

    public async Task<LiveBatch> ReadAsync(int max, CancellationToken ct)
    {
        var slice = await store.ReadStreamAsync(stream, _next, max, ReadDirection.Forward, ct);
        var events = slice.Events.Where(e => visibleTypes is null || visibleTypes.Contains(e.Type))
            .Select(e => new LiveEvent(e.StreamVersion.ToString(CultureInfo.InvariantCulture), e)).ToList();
        if (events.Count > 0)
        {
            _next = slice.Events[^1].StreamVersion + 1;
        }

        // A stream that does not exist yet is waited for; a deleted one ends the feed once its events are out.
        return new LiveBatch(events, slice.NextVersion is not null, slice.Status == StreamStatus.Deleted && slice.NextVersion is null ? "deleted" : null);
    }
}
