namespace Serverless.EventSourcing;

/// <summary>One stream's refusal within a multi-stream append.</summary>
/// <param name="Index">The stream's place in the request (from 0).</param>
/// <param name="Error">Why that stream refused: a version mismatch, a deleted stream, a duplicate event id, an erased subject.</param>
public sealed record StreamRefusal(int Index, string StreamId, EventSourcingException Error);

/// <summary>
/// A multi-stream append that wrote nothing because at least one stream refused. Streams not listed in
/// <see cref="Refusals"/> would have accepted their events.
/// </summary>
public sealed class MultiStreamAppendException(IReadOnlyList<StreamRefusal> refusals)
    : EventSourcingException($"Nothing was appended: {refusals.Count} stream(s) refused ({string.Join("; ", refusals.Select(r => r.Error.Message))})")
{
    public IReadOnlyList<StreamRefusal> Refusals { get; } = refusals;
}
