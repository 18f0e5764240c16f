using Serverless.EventSourcing.Events;

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
}
