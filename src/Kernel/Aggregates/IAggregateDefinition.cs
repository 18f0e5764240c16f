using System.Text.Json;

namespace Serverless.EventSourcing.Aggregates;

/// <summary>The untyped view of an <see cref="AggregateDefinition{TState}"/> the generic machinery works with.</summary>
public interface IAggregateDefinition
{
    string Category { get; }

    int StateSchemaVersion { get; }

    bool Snapshots { get; }

    object Initial { get; }

    IEnumerable<Type> EventTypes { get; }

    IReadOnlyCollection<string> CommandNames { get; }

    IEnumerable<ICommandHandler> Commands { get; }

    object Apply(object state, object domainEvent);

    string SerializeState(object state);

    object DeserializeState(string json);

    bool TryGetCommand(string name, out ICommandHandler handler);
}

public interface ICommandHandler
{
    string Name { get; }

    bool Creates { get; }

    Type CommandType { get; }

    /// <summary>Reads and validates the command body; throws <see cref="InvalidInputException"/> naming the field.</summary>
    ICommand Parse(JsonElement body);

    Decision Decide(object state, ICommand command);
}
