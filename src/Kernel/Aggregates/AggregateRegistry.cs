using System.Text.Json;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Aggregates;

/// <summary>The aggregate types this app knows, by category, and the event types they use.</summary>
public sealed class AggregateRegistry(EventTypeRegistry events)
{
    private readonly Dictionary<string, IAggregateDefinition> _byCategory = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, (IAggregateDefinition Definition, ICommandHandler Handler)> _byCommandType = [];

    public EventTypeRegistry Events { get; } = events;

    public IEnumerable<IAggregateDefinition> All => _byCategory.Values;

    public AggregateRegistry Add(IAggregateDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        foreach (var type in definition.EventTypes)
        {
            Events.NameOf(type); // fails fast when an event the aggregate folds was never registered
        }

        _byCategory.Add(definition.Category, definition);
        foreach (var handler in definition.Commands)
        {
            // A typed command names its aggregate by its type alone, so a type may belong to one aggregate only.
            if (!_byCommandType.TryAdd(handler.CommandType, (definition, handler)))
            {
                throw new InvalidOperationException($"Command type {handler.CommandType.Name} is handled by both {_byCommandType[handler.CommandType].Definition.Category} and {definition.Category}.");
            }
        }

        return this;
    }

    /// <summary>The aggregate and handler of a typed command.</summary>
    public bool TryGetByCommand(Type commandType, out IAggregateDefinition definition, out ICommandHandler handler)
    {
        var found = _byCommandType.TryGetValue(commandType, out var entry);
        (definition, handler) = entry;
        return found;
    }

    public bool TryGet(string category, out IAggregateDefinition definition) => _byCategory.TryGetValue(category, out definition!);

    /// <summary>
    /// Refuses raw events that would leave an aggregate's stream unloadable. Every event of a stream in an aggregate's
    /// category is folded by that aggregate when it loads, so each must be of a type it folds, with data that reads as
    /// that type; anything else would turn every later load and command of the stream into a server error.
    /// </summary>
    /// <param name="path">Where the events sit in the request (<c>appends[2]</c>), for the field an error names.</param>
    public void CheckFoldable(StreamId stream, IReadOnlyList<EventData> events, string path = "")
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!TryGet(stream.Category, out var definition))
        {
            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var field = InvalidInputException.FieldIn(path, $"events[{i}]");
            var type = Events.TypeOf(events[i].Type);
            if (type is null || !definition.EventTypes.Contains(type))
            {
                var names = string.Join(", ", definition.EventTypes.Select(Events.NameOf).Order(StringComparer.Ordinal));
                throw new InvalidInputException($"{field}.type", $"is not an event of the '{definition.Category}' aggregate, whose streams hold only {names}");
            }

            if (Events.SchemaVersionOf(events[i].Type) is { } current && events[i].Metadata.SchemaVersion > current)
            {
                throw new InvalidInputException($"{field}.metadata.schemaVersion", $"is newer than the version {current} this code writes {events[i].Type} as");
            }

            try
            {
                Events.Deserialize(events[i]);
            }
            catch (JsonException bad)
            {
                // The path, not the message: a message may quote the data, which may be personal.
                throw new InvalidInputException($"{field}.data", $"does not read as {events[i].Type} (at {bad.Path ?? "$"}): a member is missing, null or of the wrong kind");
            }
            catch (Exception bad) when (bad is InvalidOperationException or ArgumentException or NotSupportedException or FormatException)
            {
                throw new InvalidInputException($"{field}.data", $"does not read as {events[i].Type} at schema version {events[i].Metadata.SchemaVersion}");
            }
        }
    }
}
