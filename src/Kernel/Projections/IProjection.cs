using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Projections;

/// <summary>
/// Builds a read model from events. <see cref="ApplyAsync"/> runs inside the transaction that also
/// records the projection's checkpoint, so each event takes effect exactly once.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: checkpoints, dead letters and routes use it.</summary>
    string Name { get; }

    /// <summary>Stream categories the projection follows; events of other categories never reach it.</summary>
    IReadOnlySet<string> Categories { get; }

    /// <summary>Event types it applies; other events of its categories only advance its checkpoints.</summary>
    IReadOnlySet<string> EventTypes { get; }

    /// <summary>The read-model tables it writes, which a rebuild builds as shadow copies and swaps in.</summary>
    IReadOnlyList<string> Tables { get; }

    PoisonPolicy OnPoison { get; }

    /// <summary>
    /// True when a rebuild without the events a retention policy removes still gives the right read model (for example a
    /// "latest value" view). Otherwise a policy on a category it follows is refused, naming it.
    /// </summary>
    bool RebuildsWithoutRemovedEvents => false;

    Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct);
}

/// <summary>What happens after an event keeps failing and is parked.</summary>
public enum PoisonPolicy
{
    /// <summary>Park it and go on with later events.</summary>
    Continue,

    /// <summary>Park it and stop the projection until the parked event is retried successfully.</summary>
    Stop,
}
