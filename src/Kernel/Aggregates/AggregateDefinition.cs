using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Aggregates;

/// <summary>
/// Everything the framework needs to know about one aggregate type: its category (stream prefix),
/// initial state, how each event folds into the state, and its command handlers. A new aggregate is
/// its state, its events, its handlers and one of these; no base classes.
/// </summary>
public sealed class AggregateDefinition<TState> : IAggregateDefinition
    where TState : class
{
    private readonly Folds<TState> _folds = new();
    private readonly Dictionary<string, ICommandHandler> _commands = new(StringComparer.Ordinal);

    /// <param name="stateSchemaVersion">Bump when the state's shape changes: older snapshots are then ignored.</param>
    public AggregateDefinition(string category, TState initial, int stateSchemaVersion = 1)
    {
        Streams.StreamId.Parse($"{category}-x", "category");
        Category = category;
        Initial = initial;
        StateSchemaVersion = stateSchemaVersion;
    }

    public string Category { get; }

    public TState Initial { get; }

    public int StateSchemaVersion { get; }

    public bool Snapshots { get; private set; }

    public IReadOnlyCollection<string> CommandNames => _commands.Keys;

    IEnumerable<Type> IAggregateDefinition.EventTypes => _folds.EventTypes;

    IEnumerable<ICommandHandler> IAggregateDefinition.Commands => _commands.Values;

    object IAggregateDefinition.Initial => Initial;

    /// <summary>How <typeparamref name="TEvent"/> changes the state; declared once per event. Must be pure.</summary>
    public AggregateDefinition<TState> On<TEvent>(Func<TState, TEvent, TState> fold)
        where TEvent : class
    {
        _folds.On(fold);
        return this;
    }

    /// <summary>
    /// A command named <paramref name="name"/> in routes. <paramref name="creates"/> commands run on a
    /// stream that does not exist yet; the others answer "not found" there.
    /// </summary>
    public AggregateDefinition<TState> Command<TCommand>(string name, Func<TState, TCommand, Decision> decide, bool creates = false)
        where TCommand : class, ICommand
    {
        _commands.Add(name, new CommandHandler<TCommand>(name, creates, decide));
        return this;
    }

    /// <summary>Lets the repository and the snapshot job store this aggregate's state.</summary>
    public AggregateDefinition<TState> WithSnapshots()
    {
        Snapshots = true;
        return this;
    }

    public TState Apply(TState state, object domainEvent) => _folds.Apply(state, domainEvent);

    object IAggregateDefinition.Apply(object state, object domainEvent) => Apply((TState)state, domainEvent);

    public string SerializeState(object state) => JsonSerializer.Serialize((TState)state, EventJson.Options);

    public object DeserializeState(string json) =>
        JsonSerializer.Deserialize<TState>(json, EventJson.Options) ?? throw new InvalidOperationException("Snapshot state is null.");

    public bool TryGetCommand(string name, out ICommandHandler handler) => _commands.TryGetValue(name, out handler!);

    private sealed class CommandHandler<TCommand>(string name, bool creates, Func<TState, TCommand, Decision> decide) : ICommandHandler
        where TCommand : class, ICommand
    {
        public string Name => name;

        public bool Creates => creates;

        public Type CommandType => typeof(TCommand);

        public ICommand Parse(JsonElement body)
        {
            var command = EventJson.ReadInput<TCommand>(body);
            command.Validate();
            return command;
        }

        public Decision Decide(object state, ICommand command) => decide((TState)state, (TCommand)command);
    }
}
