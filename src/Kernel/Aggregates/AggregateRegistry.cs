using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Aggregates;

/// <summary>The aggregate types this app knows, by category, and the event types they use.</summary>
public sealed class AggregateRegistry(EventTypeRegistry events)
{
    private readonly Dictionary<string, IAggregateDefinition> _byCategory = new(StringComparer.Ordinal);

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
        return this;
    }

    public bool TryGet(string category, out IAggregateDefinition definition) => _byCategory.TryGetValue(category, out definition!);
}
