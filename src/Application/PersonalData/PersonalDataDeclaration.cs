namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>What a personal field holds: the JSON kind a raw append must send (anything else is 400).</summary>
public enum PersonalKind
{
    String,
    Number,
    Object,
}

/// <summary>A top-level member of an event's data that holds personal data.</summary>
public sealed record PersonalField(string Name, PersonalKind Kind);

/// <summary>
/// The personal fields of one event type and whose they are: the member <see cref="SubjectField"/> holds the data
/// subject's id (an owner id, a customer id; it stays readable: it is the key to the data, not the data), or, when it is
/// absent and <see cref="SubjectIsStreamWhenAbsent"/>, the stream id is the subject.
/// </summary>
public sealed record PersonalDataDeclaration(string EventType, string SubjectField, bool SubjectIsStreamWhenAbsent, IReadOnlyList<PersonalField> Fields);
