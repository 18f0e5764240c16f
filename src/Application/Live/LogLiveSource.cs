using System.Globalization;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// The global log through the store's gap-safe reader (it hands out nothing a transaction still running could commit
/// in front of), filtered by category and event types. The SSE id is the full cursor, <c>txid:position</c>, so a
/// resume starts exactly after the last event received; events filtered out are read again then and dropped again.
/// <paramref name="visible"/> is what the subscriber may see at all (its read grants); its own filters only narrow it.
/// </summary>
public sealed class LogLiveSource(IEventStore store, LogStart start, string? category, IReadOnlySet<string>? eventTypes, Visibility? visible = null) : ILiveSource
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
        var slice = await store.ReadLogAsync(_cursor, max, ct);
        var events = new List<LiveEvent>(slice.Events.Count);
        for (var i = 0; i < slice.Events.Count; i++)
        {
            var e = slice.Events[i];
            if (e.GlobalPosition > start.AfterPosition && (category is null || e.Category == category) && (eventTypes is null || eventTypes.Contains(e.Type))
                && (visible is null || visible.Allows(e.Category, e.Type)))
            {
                events.Add(new LiveEvent(IdOf(slice.Cursors[i]), e));
            }
        }

        _cursor = slice.Next;
        return new LiveBatch(events, slice.Events.Count == max);
    }
}
