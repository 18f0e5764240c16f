using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// Encrypts the declared personal fields of events (and saga inputs) before anything stores them: each value becomes a
/// <see cref="PersonalTokens"/> string under its subject's key, and the event names its subjects so the store commits
/// it only while their keys exist. A value that is already a token of the same subject (a saga passing on its input)
/// stays as it is; a token of another subject, a value of the wrong kind or a missing subject id is 400.
/// </summary>
public sealed class PersonalDataProtector(PersonalDataCatalog catalog, SubjectKeys keys) : IEventProtector
{
    public void Check(StreamId stream, IReadOnlyList<EventData> events, string path = "") => Checked(stream, events, path);

    public async ValueTask<IReadOnlyList<EventData>> ProtectAsync(StreamId stream, IReadOnlyList<EventData> events, CancellationToken ct)
    {
        // Every event parsed and checked once, before any key is made: a refused append leaves no key behind.
        var checkedEvents = Checked(stream, events, "");
        if (checkedEvents.TrueForAll(c => c is null))
        {
            return events;
        }

        var protectedEvents = new List<EventData>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (checkedEvents[i] is not ({ } data, { } subject, var plain))
            {
                protectedEvents.Add(events[i]);
                continue;
            }

            await SealAsync(data, subject, plain, stream, ct);
            protectedEvents.Add(events[i] with { Data = data.ToJsonString(EventJson.Options), Subjects = [subject] });
        }

        return protectedEvents;
    }

    /// <summary>Each event's parsed data, subject and fields to encrypt (see the other <see cref="Check(JsonObject, PersonalDataDeclaration, string, string)"/>); null for an event of no declared type.</summary>
    private List<(JsonObject Data, string? Subject, List<PersonalField> Plain)?> Checked(StreamId stream, IReadOnlyList<EventData> events, string path)
    {
        ArgumentNullException.ThrowIfNull(events);
        var result = new List<(JsonObject, string?, List<PersonalField>)?>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!catalog.TryGet(e.Type, out var declaration))
            {
                result.Add(null);
                continue;
            }

            var field = InvalidInputException.FieldIn(path, $"events[{i}].data");
            var data = JsonNode.Parse(e.Data) as JsonObject
                ?? throw new InvalidInputException(field, $"must be a JSON object: {e.Type} holds personal data");
            var (subject, plain) = Check(data, declaration, stream.Value, field);
            result.Add((data, subject, plain));
        }

        return result;
    }

    /// <summary>Encrypts the declared fields of <paramref name="data"/> in place; returns the subject, or null when no field was present.</summary>
    /// <param name="field">How the caller names <paramref name="data"/> in errors.</param>
    public async Task<string?> ProtectAsync(JsonObject data, PersonalDataDeclaration declaration, string fallbackSubject, string field, StreamId stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(declaration);
        if (Check(data, declaration, fallbackSubject, field) is not ({ } subject, var plain))
        {
            return null;
        }

        await SealAsync(data, subject, plain, stream, ct);
        return subject;
    }

    private async Task SealAsync(JsonObject data, string subject, List<PersonalField> plain, StreamId stream, CancellationToken ct)
    {
        byte[]? key = null;
        foreach (var personal in plain)
        {
            key ??= await keys.ForEncryptionAsync(subject, ct) ?? throw new SubjectErasedException(stream.Value);
            data[personal.Name] = PersonalTokens.Seal(subject, key, data[personal.Name]!.ToJsonString(EventJson.Options));
        }
    }

    /// <summary>
    /// What encrypting <paramref name="data"/> needs, checked without a key: its subject (null when no declared field is
    /// present, and then nothing is checked), and its present declared fields that are not yet tokens (each of the right
    /// kind). A token of another subject, a wrong kind or a bad subject id throws.
    /// </summary>
    private static (string? Subject, List<PersonalField> Plain) Check(JsonObject data, PersonalDataDeclaration declaration, string fallbackSubject, string field)
    {
        var present = declaration.Fields.Where(f => data[f.Name] is not null).ToList();
        if (present.Count == 0)
        {
            return (null, []);
        }

        var subject = Subject(data, declaration, fallbackSubject, field);
        var plain = new List<PersonalField>();
        foreach (var personal in present)
        {
            var value = data[personal.Name]!;
            if (value is JsonValue text && text.TryGetValue(out string? token) && PersonalTokens.IsToken(token))
            {
                if (!PersonalTokens.TryParse(token, out var owner, out _) || owner != subject)
                {
                    throw new InvalidInputException($"{field}.{personal.Name}", "holds an encrypted value of another data subject");
                }

                continue;
            }

            CheckKind(value, personal, $"{field}.{personal.Name}");
            plain.Add(personal);
        }

        return (subject, plain);
    }

    private static string Subject(JsonObject data, PersonalDataDeclaration declaration, string fallback, string field)
    {
        var node = data[declaration.SubjectField];
        if (node is null)
        {
            return declaration.SubjectIsStreamWhenAbsent
                ? fallback
                : throw new InvalidInputException($"{field}.{declaration.SubjectField}", "is required: it names the data subject of the personal data this event holds");
        }

        return node is JsonValue value && value.TryGetValue(out string? subject) && SubjectErasureService.IsSubjectId(subject)
            ? subject
            : throw new InvalidInputException($"{field}.{declaration.SubjectField}", $"must be a data subject's id: a string of {SubjectErasureService.SubjectIdRule}");
    }

    private static void CheckKind(JsonNode value, PersonalField personal, string field)
    {
        var kind = value.GetValueKind();
        var fits = personal.Kind switch
        {
            PersonalKind.String => kind == JsonValueKind.String,
            PersonalKind.Number => kind == JsonValueKind.Number,
            _ => kind == JsonValueKind.Object,
        };
        if (!fits)
        {
            throw new InvalidInputException(field, $"is personal data declared as a {personal.Kind.ToString().ToLowerInvariant()}; a {kind.ToString().ToLowerInvariant()} was sent");
        }
    }
}
