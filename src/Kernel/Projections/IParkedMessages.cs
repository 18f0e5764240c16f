namespace Serverless.EventSourcing.Projections;

/// <summary>A delivered message that is not an event envelope, set aside so its partition can move on.</summary>
/// <param name="Source">Where it came from (<c>topic/partition/offset</c>); parking the same source twice keeps one.</param>
public sealed record ParkedMessage(string Source, string Message, string Error);

/// <summary>Where undecodable messages are kept for an operator to look at.</summary>
public interface IParkedMessages
{
    Task ParkAsync(ParkedMessage message, CancellationToken ct = default);
}
