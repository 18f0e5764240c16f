using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Events;

/// <summary>
/// Encrypts the personal fields modules declared before events leave the application layer (the store, snapshots,
/// caches and Kafka only ever see the ciphertext), and names the subjects whose keys it used
/// (<see cref="EventData.Subjects"/>). The kernel knows nothing of keys; the application layer implements it.
/// </summary>
public interface IEventProtector
{
    /// <exception cref="InvalidInputException">A declared field has the wrong kind, or its subject id is missing.</exception>
    /// <exception cref="SubjectErasedException">A subject the events carry data of has been erased.</exception>
    ValueTask<IReadOnlyList<EventData>> ProtectAsync(StreamId stream, IReadOnlyList<EventData> events, CancellationToken ct);

    /// <summary>
    /// The input checks <see cref="ProtectAsync"/> makes, without touching a key (none is created): a caller that must
    /// check more before it encrypts runs this first, so that personal fields keep their own answers.
    /// </summary>
    /// <param name="path">Where the events sit in the request (<c>appends[2]</c>), for the field an error names.</param>
    /// <exception cref="InvalidInputException">A declared field has the wrong kind, or its subject id is missing.</exception>
    void Check(StreamId stream, IReadOnlyList<EventData> events, string path = "")
    {
    }
}

/// <summary>No module declared personal data: events go as they are.</summary>
public sealed class NoEventProtection : IEventProtector
{
    public static NoEventProtection Instance { get; } = new();

    public ValueTask<IReadOnlyList<EventData>> ProtectAsync(StreamId stream, IReadOnlyList<EventData> events, CancellationToken ct) => ValueTask.FromResult(events);
}
