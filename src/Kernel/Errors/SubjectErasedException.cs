namespace Serverless.EventSourcing;

/// <summary>Events carry personal data of a subject that was erased: refused, nothing written (answered 409).</summary>
public sealed class SubjectErasedException(string streamId)
    : EventSourcingException($"The events for {streamId} carry personal data of a data subject that has been erased; nothing was written.")
{
    public string StreamId { get; } = streamId;
}
