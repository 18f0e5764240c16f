using System.Globalization;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// One stream from a version on. A stream has no gaps to fear: versions are assigned under the stream's lock and the
/// next append waits for the commit of the one before, so version N+1 is never visible before N. It reads the stream
/// from the database until it has caught up, then takes the stream's events from the instance's in-memory window
/// (<see cref="LiveLog"/>) from the window's head as it was before that last read, skipping versions it already has; it
/// reads the database again if it falls out of the window or the stream is deleted. The id is the version. Events of
/// types the subscriber may not read (<paramref name="visibleTypes"/>) are passed over.
/// </summary>
public sealed class StreamLiveSource(IEventStore store, LiveLog log, StreamId stream, long fromVersion, IReadOnlySet<string>? visibleTypes = null) : ILiveSource
{
    private readonly IDisposable _watch = log.Watch(stream.Value);
    private long _next = fromVersion;
    private LogCursor? _joined;

    public string Feed => "stream";

    public async Task<LiveBatch> ReadAsync(int max, CancellationToken ct)
    {
        if (_joined is { } after && !log.IsDeleted(stream.Value))
        {
            var wake = log.Changed;
            var found = new List<(LogCursor Cursor, EventEnvelope Event)>();
            if (log.TryRead(after, max, e => e.StreamId == stream.Value && e.StreamVersion >= _next, found, out var scanned, out var more))
            {
                _joined = scanned;
                return new LiveBatch(Deliver(found.Select(e => e.Event).ToList()), more, Wake: wake);
            }
        }

        var head = log.Head;
        var slice = await store.ReadStreamAsync(stream, _next, max, ReadDirection.Forward, ct);
        log.CountCatchUpRead();
        var events = Deliver(slice.Events);
        var caughtUp = slice.NextVersion is null;

        // A stream that does not exist yet is waited for; a deleted one ends the feed once its events are out.
        if (caughtUp && slice.Status == StreamStatus.Deleted)
        {
            return new LiveBatch(events, false, "deleted");
        }

        // Everything appended after this read commits after the head the reader had reached before it, so it is in the window.
        _joined = caughtUp ? head : null;
        return new LiveBatch(events, !caughtUp || head is not null);
    }

    public void Dispose() => _watch.Dispose();

    private List<LiveEvent> Deliver(IReadOnlyList<EventEnvelope> read)
    {
        if (read.Count > 0)
        {
            _next = read[^1].StreamVersion + 1;
        }

        return read.Where(e => visibleTypes is null || visibleTypes.Contains(e.Type))
            .Select(e => new LiveEvent(e.StreamVersion.ToString(CultureInfo.InvariantCulture), e)).ToList();
    }
}
