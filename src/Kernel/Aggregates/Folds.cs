namespace Serverless.EventSourcing.Aggregates;

/// <summary>
/// How each event type changes a state, declared once per event as a pure function. Aggregates
/// (<see cref="AggregateDefinition{TState}"/>) and saga state fold with the same thing.
/// </summary>
public sealed class Folds<TState>
    where TState : class
{
    private readonly Dictionary<Type, Func<TState, object, TState>> _folds = [];

    public IEnumerable<Type> EventTypes => _folds.Keys;

    public Folds<TState> On<TEvent>(Func<TState, TEvent, TState> fold)
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(fold);
        _folds.Add(typeof(TEvent), (state, e) => fold(state, (TEvent)e));
        return this;
    }

    public bool Handles(Type eventType) => _folds.ContainsKey(eventType);

    /// <exception cref="InvalidOperationException">No fold was declared for the event's type.</exception>
    public TState Apply(TState state, object domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return _folds.TryGetValue(domainEvent.GetType(), out var fold)
            ? fold(state, domainEvent)
            : throw new InvalidOperationException($"{typeof(TState).Name} has no fold for {domainEvent.GetType().Name}.");
    }
}
