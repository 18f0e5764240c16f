namespace Serverless.EventSourcing.Store;

/// <summary>
/// Where a reader of the log starts so that it gets every event with a global position above
/// <paramref name="AfterPosition"/>, whenever that event's transaction commits: read from <paramref name="Cursor"/> and
/// skip events at or below the position (the first pages may hold some, from transactions that interleaved).
/// </summary>
public sealed record LogStart(LogCursor Cursor, long AfterPosition);
