namespace Serverless.EventSourcing;

/// <summary>Input that was rejected before anything was written; <see cref="Field"/> names the culprit.</summary>
public sealed class InvalidInputException(string field, string reason)
    : EventSourcingException($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
