using System.Globalization;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// The global log, filtered by category and event types: from the instance's in-memory window (<see cref="LiveLog"/>) when
/// the subscriber's position is in it, else through the store's gap-safe reader until it is. Both hand out the same
/// events in the same order (nothing a transaction still running could commit in front of), so switching is seamless.
/// The id is the full cursor, <c>txid:position</c>, so a resume starts exactly after the last event received; events
/// filtered out are read again then and dropped again. <paramref name="visible"/> is what the subscriber may see at all
/// (its read grants); its own filters only narrow it.
/// </summary>
public sealed class LogLiveSource(IEventStore store, LiveLog log, LogStart start, string? category, IReadOnlySet<string>? eventTypes, Visibility? visible = null) : ILiveSource
{
    private LogCursor _cursor = start.Cursor;

    public string Feed => "log";

    public static string IdOf(LogCursor cursor) => $"{cursor.TransactionId.ToString(CultureInfo.InvariantCulture)}:{cursor.Position.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses an id written by <see cref="IdOf"/>; false for anything else.</summary>
    public static bool TryParseId(string text, out LogCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(text);
        cursor = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !ulong.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
            || !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return false;
        }

        cursor = new LogCursor(tx, position);
        return true;
    }

    public async Task<LiveBatch> ReadAsync(int max, CancellationToken ct)
    {
        var wake = log.Changed;
        var found = new List<(LogCursor Cursor, EventEnvelope Event)>();
        if (log.TryRead(_cursor, max, Wants, found, out var scanned, out var more))
        {
            _cursor = scanned;
            return new LiveBatch(found.Select(e => new LiveEvent(IdOf(e.Cursor), e.Event)).ToList(), more, Wake: wake);
        }

        var head = log.Head;
        var slice = await store.ReadLogAsync(_cursor, max, ct);
        log.CountCatchUpRead();
        var events = new List<LiveEvent>(slice.Events.Count);
        for (var i = 0; i < slice.Events.Count; i++)
        {
            if (Wants(slice.Events[i]))
            {
                events.Add(new LiveEvent(IdOf(slice.Cursors[i]), slice.Events[i]));
            }
        }

        _cursor = slice.Next;
        if (slice.Events.Count == max || head is not { } joined)
        {
            return new LiveBatch(events, slice.Events.Count == max);
        }

        // Caught up, so the window holds what comes next. The read began after the reader had read up to the head, so
        // every event up to the head was committed and is in this read: none lies between where it ended and the head.
        if (LiveWindow.Compare(joined, _cursor) > 0)
        {
            _cursor = joined;
        }

        return new LiveBatch(events, true);
    }

    public void Dispose()
    {
    }

    private bool Wants(EventEnvelope e) =>
        e.GlobalPosition > start.AfterPosition && (category is null || e.Category == category) && (eventTypes is null || eventTypes.Contains(e.Type))
        && (visible is null || visible.Allows(e.Category, e.Type));
}
