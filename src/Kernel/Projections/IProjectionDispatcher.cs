using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Projections;

/// <summary>
/// Applies delivered envelopes (in any order, possibly repeated) to every projection with exactly-once effect.
/// Throws when it cannot apply them now (the database away, a projection stopped on a parked event): the caller
/// must deliver the same batch again later and must not acknowledge it.
/// </summary>
public interface IProjectionDispatcher
{
    Task DispatchAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct = default);
}
