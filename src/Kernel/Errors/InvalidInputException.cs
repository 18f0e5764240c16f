namespace Serverless.EventSourcing;

/// <summary>Input that was rejected before anything was written; <see cref="Field"/> names the culprit.</summary>
public sealed class InvalidInputException(string field, string reason)
    : EventSourcingException($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;

    /// <summary>The name of field <paramref name="name"/> inside the part of a request at <paramref name="path"/> (<c>appends[2]</c>); the name alone at the top.</summary>
    public static string FieldIn(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
