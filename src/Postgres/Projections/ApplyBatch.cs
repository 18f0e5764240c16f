using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.Projections;

/// <summary>Envelopes to apply, with the log cursor after each (catch-up and rebuilds) or without (Kafka delivery).</summary>
/// <param name="From">The cursor the batch starts after; the target's cursor must still be there to move it.</param>
internal sealed record ApplyBatch(IReadOnlyList<EventEnvelope> Events, IReadOnlyList<LogCursor>? Cursors, LogCursor From)
{
    public static ApplyBatch Delivered(IReadOnlyList<EventEnvelope> events) => new(events, null, default);

    public static ApplyBatch FromLog(LogSlice slice, LogCursor from) => new(slice.Events, slice.Cursors, from);
}

/// <summary>How far an apply got: the cursor after the last event it consumed, and what it did on the way.</summary>
internal sealed record ApplyProgress(LogCursor Reached, int Consumed, int Followed, int Applied, int Parked, bool Stopped);
