namespace Serverless.EventSourcing.Store;

/// <summary>
/// A position in the gap-safe global log. The log is read in (transaction id, global position)
/// order, so a cursor holds both; <see cref="Position"/> alone is the event's global position.
/// </summary>
public readonly record struct LogCursor(ulong TransactionId, long Position)
{
    public static LogCursor Start { get; } = new(0, 0);
}
