using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// The newest events the instance's log reader has read, in log order with their cursors, in a ring of fixed size. It is
/// contiguous: it holds every event after <see cref="Before"/> up to <see cref="Head"/>, exactly what the gap-safe reader
/// would return from <see cref="Before"/>, so a subscriber at any cursor from <see cref="Before"/> on reads here what it
/// would have read from the database. Not thread-safe: <see cref="LiveLog"/> guards it.
/// </summary>
internal sealed class LiveWindow(int capacity)
{
    private readonly (LogCursor Cursor, EventEnvelope Event)[] _ring = new (LogCursor, EventEnvelope)[capacity];
    private long _first;
    private long _next;

    /// <summary>The cursor just before the oldest event held: every event after it is here (up to <see cref="Head"/>).</summary>
    public LogCursor Before { get; private set; }

    /// <summary>The cursor of the newest event read (or <see cref="Before"/> when none is held).</summary>
    public LogCursor Head { get; private set; }

    public int Count => (int)(_next - _first);

    /// <summary>Empties the window; it continues from <paramref name="start"/>.</summary>
    public void Reset(LogCursor start)
    {
        Array.Clear(_ring);
        _first = _next;
        Before = start;
        Head = start;
    }

    /// <summary>Adds the next event in log order; the oldest one leaves when the window is full.</summary>
    public void Add(LogCursor cursor, EventEnvelope envelope)
    {
        if (_next - _first == _ring.Length)
        {
            ref var oldest = ref _ring[_first % _ring.Length];
            Before = oldest.Cursor;
            oldest = default;
            _first++;
        }

        _ring[_next % _ring.Length] = (cursor, envelope);
        _next++;
        Head = cursor;
    }

    /// <summary>
    /// The events after <paramref name="after"/> that <paramref name="match"/> takes, at most <paramref name="max"/>, into
    /// <paramref name="into"/>; false (nothing read) when <paramref name="after"/> is older than the window, so the caller
    /// reads the database instead. <paramref name="scanned"/> is the cursor to continue from: past every event looked at,
    /// taken or not. <paramref name="more"/> says events are left after it.
    /// </summary>
    public bool TryRead(LogCursor after, int max, Func<EventEnvelope, bool> match, List<(LogCursor Cursor, EventEnvelope Event)> into, out LogCursor scanned, out bool more)
    {
        scanned = after;
        more = false;
        if (Compare(after, Before) < 0)
        {
            return false;
        }

        for (var seq = FirstAfter(after); seq < _next; seq++)
        {
            if (into.Count == max)
            {
                more = true;
                return true;
            }

            var entry = _ring[seq % _ring.Length];
            if (match(entry.Event))
            {
                into.Add(entry);
            }

            scanned = entry.Cursor;
        }

        return true;
    }

    /// <summary>The log's (transaction id, global position) order.</summary>
    public static int Compare(LogCursor a, LogCursor b)
    {
        var byTransaction = a.TransactionId.CompareTo(b.TransactionId);
        return byTransaction != 0 ? byTransaction : a.Position.CompareTo(b.Position);
    }

    /// <summary>The first sequence number whose cursor is after <paramref name="after"/> (binary search: cursors only grow).</summary>
    private long FirstAfter(LogCursor after)
    {
        long low = _first, high = _next;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (Compare(_ring[mid % _ring.Length].Cursor, after) <= 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
