using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Projections;

/// <summary>
/// Where the relay hands events (Kafka in Azure). Must return only after the broker confirmed every
/// event; throwing or timing out leaves the relay's cursor where it was.
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct);
}
