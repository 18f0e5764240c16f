using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Store;

/// <param name="Cursors">The cursor of each returned event, in order (a consumer that stops early checkpoints the one it reached).</param>
/// <param name="Next">The cursor after the last returned event (unchanged when nothing was returned).</param>
public sealed record LogSlice(IReadOnlyList<EventEnvelope> Events, IReadOnlyList<LogCursor> Cursors, LogCursor Next);
