using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>Every module's personal-data declarations, by event type name (saga inputs by saga name).</summary>
public sealed class PersonalDataCatalog
{
    private readonly Dictionary<string, PersonalDataDeclaration> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PersonalDataDeclaration> _sagaInputs = new(StringComparer.Ordinal);

    public bool Any => _events.Count > 0 || _sagaInputs.Count > 0;

    public IReadOnlyCollection<PersonalDataDeclaration> Events => _events.Values;

    public bool TryGet(string eventType, out PersonalDataDeclaration declaration) => _events.TryGetValue(eventType, out declaration!);

    public bool TryGetSagaInput(string saga, out PersonalDataDeclaration declaration) => _sagaInputs.TryGetValue(saga, out declaration!);

    internal void Add(PersonalDataDeclaration declaration)
    {
        Check(declaration);
        if (!_events.TryAdd(declaration.EventType, declaration))
        {
            throw new InvalidOperationException($"Event type {declaration.EventType} declares its personal data twice.");
        }
    }

    internal void AddSagaInput(string saga, PersonalDataDeclaration declaration)
    {
        Check(declaration);
        if (!_sagaInputs.TryAdd(saga, declaration))
        {
            throw new InvalidOperationException($"Saga {saga} declares its personal input twice.");
        }
    }

    /// <summary>
    /// A declaration from the event's own properties: <paramref name="subject"/> names the subject's id, the fields are
    /// string (or <see cref="JsonElement"/>) properties, since the stored value of a personal field is an encrypted string.
    /// </summary>
    public static PersonalDataDeclaration Of<TEvent>(string eventType, Expression<Func<TEvent, string?>> subject, bool subjectIsStreamWhenAbsent, Expression<Func<TEvent, object?>>[] fields)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(fields);
        var declared = fields.Select(f =>
        {
            var property = Property(f);
            var kind = property.PropertyType == typeof(string) ? PersonalKind.String
                : property.PropertyType == typeof(JsonElement) || property.PropertyType == typeof(JsonElement?) ? PersonalKind.Object
                : throw new InvalidOperationException($"Personal field {typeof(TEvent).Name}.{property.Name} is a {property.PropertyType.Name}: it is stored as an encrypted string, so it must be a string (or JsonElement) property.");
            return new PersonalField(JsonName(property), kind);
        }).ToList();
        return new PersonalDataDeclaration(eventType, JsonName(Property(subject)), subjectIsStreamWhenAbsent, declared);
    }

    private static void Check(PersonalDataDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        if (declaration.Fields.Count == 0 || declaration.Fields.Any(f => f.Name == declaration.SubjectField) || declaration.Fields.Select(f => f.Name).Distinct().Count() != declaration.Fields.Count)
        {
            throw new InvalidOperationException($"The personal data of {declaration.EventType} needs distinct fields, none of them the subject's id.");
        }
    }

    private static PropertyInfo Property<TEvent, TValue>(Expression<Func<TEvent, TValue>> selector)
    {
        var body = selector.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : selector.Body;
        return body is MemberExpression { Member: PropertyInfo property }
            ? property
            : throw new InvalidOperationException($"'{selector}' must name a property of {typeof(TEvent).Name} (e => e.Owner).");
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? EventJson.Options.PropertyNamingPolicy?.ConvertName(property.Name)
        ?? property.Name;
}
