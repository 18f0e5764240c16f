using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.EventSourcing.Events;

/// <summary>
/// Maps CLR event types to stable stored names and schema versions, and reads old versions
/// through registered upcasters (v1 → v2 → … → current).
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, Registration> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Registration> _byType = [];
    private readonly Dictionary<(string Name, int From), Func<JsonObject, JsonObject>> _upcasters = [];

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/>; <paramref name="schemaVersion"/> is what new events are written as.</summary>
    public EventTypeRegistry Register<T>(string name, int schemaVersion = 1)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("An event type needs a name.", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        if (_byName.ContainsKey(name) || _byType.ContainsKey(typeof(T)))
        {
            throw new InvalidOperationException($"Event type {name} ({typeof(T).Name}) is registered twice.");
        }

        var registration = new Registration(name, typeof(T), schemaVersion);
        _byName[name] = registration;
        _byType[typeof(T)] = registration;
        return this;
    }

    /// <summary>Adds the step that turns the stored JSON of <paramref name="name"/> at <paramref name="fromVersion"/> into <paramref name="fromVersion"/>+1.</summary>
    public EventTypeRegistry Upcast(string name, int fromVersion, Func<JsonObject, JsonObject> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!_upcasters.TryAdd((name, fromVersion), step))
        {
            throw new InvalidOperationException($"Event type {name} already has an upcaster from version {fromVersion}.");
        }

        return this;
    }

    public bool IsKnown(string name) => _byName.ContainsKey(name);

    /// <summary>The stored names of event types, for a projection's <c>EventTypes</c> (names are written once, at registration).</summary>
    public IReadOnlySet<string> NamesOf(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types.Select(NameOf).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The CLR type stored under <paramref name="name"/>; null when no type is registered under it.</summary>
    public Type? TypeOf(string name) => _byName.TryGetValue(name, out var r) ? r.Type : null;

    /// <summary>The schema version new events of <paramref name="name"/> are written as; null when no type is registered under it.</summary>
    public int? SchemaVersionOf(string name) => _byName.TryGetValue(name, out var r) ? r.SchemaVersion : null;

    public string NameOf(Type type) =>
        _byType.TryGetValue(type, out var r) ? r.Name : throw new InvalidOperationException($"Event type {type.Name} is not registered.");

    /// <summary>Serializes a domain event into what the store appends.</summary>
    public EventData ToEventData(object domainEvent, EventMetadata metadata, Guid? eventId = null)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var r = _byType.TryGetValue(domainEvent.GetType(), out var found)
            ? found
            : throw new InvalidOperationException($"Event type {domainEvent.GetType().Name} is not registered.");
        var data = JsonSerializer.Serialize(domainEvent, r.Type, EventJson.Options);
        return new EventData(eventId ?? Guid.CreateVersion7(), r.Name, data, metadata with { SchemaVersion = r.SchemaVersion });
    }

    /// <summary>Reads a recorded event as its current CLR type, upcasting older schema versions first.</summary>
    public object Deserialize(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Deserialize(envelope.Type, envelope.SchemaVersion, envelope.Data, envelope.EventId.ToString(), EventJson.Options);
    }

    /// <summary>
    /// Reads an event not yet appended, as its stream's readers will read it but stricter: a member its type requires
    /// must be there and not null (<see cref="EventJson.StrictOptions"/>). Throws where a reader would fail or get a
    /// half-empty event.
    /// </summary>
    public object Deserialize(EventData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Deserialize(data.Type, data.Metadata.SchemaVersion, data.Data, data.EventId.ToString(), EventJson.StrictOptions);
    }

    public object Deserialize(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Deserialize(stored.Type, stored.SchemaVersion, stored.Data, $"at version {stored.StreamVersion}", EventJson.Options);
    }

    private object Deserialize(string type, int schemaVersion, string data, string describe, JsonSerializerOptions options)
    {
        var r = _byName.TryGetValue(type, out var found)
            ? found
            : throw new InvalidOperationException($"Event type {type} is not registered.");

        if (schemaVersion == r.SchemaVersion)
        {
            return JsonSerializer.Deserialize(data, r.Type, options)
                ?? throw new InvalidOperationException($"Event {describe} has null data.");
        }

        if (schemaVersion > r.SchemaVersion)
        {
            throw new InvalidOperationException(
                $"Event {describe} of type {type} is schema version {schemaVersion}, newer than this code knows ({r.SchemaVersion}).");
        }

        var node = JsonNode.Parse(data) as JsonObject
            ?? throw new InvalidOperationException($"Event {describe} data is not a JSON object and cannot be upcast.");
        for (var version = schemaVersion; version < r.SchemaVersion; version++)
        {
            node = _upcasters.TryGetValue((r.Name, version), out var step)
                ? step(node)
                : throw new InvalidOperationException($"Event type {r.Name} has no upcaster from version {version} to {version + 1}.");
        }

        return node.Deserialize(r.Type, options)
            ?? throw new InvalidOperationException($"Event {describe} upcast to null.");
    }

    private sealed record Registration(string Name, Type Type, int SchemaVersion);
}
