using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Store;

/// <param name="Next">The cursor after the last returned event (unchanged when nothing was returned).</param>
public sealed record LogSlice(IReadOnlyList<EventEnvelope> Events, LogCursor Next);
