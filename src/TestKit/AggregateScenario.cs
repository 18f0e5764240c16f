using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.TestKit;

/// <summary>
/// One aggregate's history and the command run on it. Events given are serialized and read back as the store would
/// (stored name, schema version, upcasters), folded into the state (through the snapshot serializer too when the
/// aggregate takes snapshots), and the command goes through its handler's JSON parse and validation before deciding,
/// exactly as a request body does. Nothing is encrypted: personal-data protection happens on the way to the store.
/// </summary>
public sealed class AggregateScenario
{
    private readonly AggregateRegistry _registry;
    private readonly IAggregateDefinition _definition;
    private readonly string _id;
    private readonly List<EventEnvelope> _history = [];

    internal AggregateScenario(AggregateRegistry registry, IAggregateDefinition definition, string id)
    {
        Streams.StreamId.For(definition.Category, id, "id");
        (_registry, _definition, _id) = (registry, definition, id);
    }

    /// <summary>More recorded events, as the current code writes them.</summary>
    public AggregateScenario Given(params object[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var domainEvent in events)
        {
            var data = _registry.Events.ToEventData(domainEvent, EventMetadata.Empty);
            Record(data.Type, data.Data, data.Metadata.SchemaVersion);
        }

        return this;
    }

    /// <summary>An event as an older version of the code stored it: <paramref name="json"/> at <paramref name="schemaVersion"/>, read through the registered upcasters.</summary>
    public AggregateScenario GivenStored(string type, int schemaVersion, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode.Parse(json); // a scenario with broken JSON is the test's mistake; say so here rather than at the fold
        Record(type, json, schemaVersion);
        return this;
    }

    /// <summary>Runs the command named <paramref name="command"/> with <paramref name="body"/> as its JSON body (an object, or a JSON string).</summary>
    public ScenarioOutcome When(string command, object? body = null)
    {
        if (!_definition.TryGetCommand(command, out var handler))
        {
            throw new ArgumentException($"Aggregate '{_definition.Category}' has no command '{command}' (it has: {string.Join(", ", _definition.CommandNames)}).", nameof(command));
        }

        var json = body switch
        {
            null => "{}",
            string text => text,
            _ => JsonSerializer.Serialize(body, body.GetType(), EventJson.Options),
        };
        using var document = JsonDocument.Parse(json);
        return Decide(handler, () => handler.Parse(document.RootElement));
    }

    /// <summary>Runs a typed command, sent as the JSON a client would post (so its validation and strict parse run too).</summary>
    public ScenarioOutcome When(ICommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_registry.TryGetByCommand(command.GetType(), out var definition, out var handler) || definition.Category != _definition.Category)
        {
            throw new ArgumentException($"{command.GetType().Name} is not a command of aggregate '{_definition.Category}'.", nameof(command));
        }

        return When(handler.Name, command);
    }

    private ScenarioOutcome Decide(ICommandHandler handler, Func<ICommand> parse)
    {
        var state = Fold();
        var describe = $"{handler.Name} on {_definition.Category}-{_id} after {_history.Count} event(s)";
        if (_history.Count == 0 && !handler.Creates)
        {
            return ScenarioOutcome.NotFound(describe);
        }

        ICommand command;
        try
        {
            command = parse();
        }
        catch (InvalidInputException invalid)
        {
            return ScenarioOutcome.Invalid(describe, invalid);
        }

        var decision = handler.Decide(state, command);
        if (decision.IsRejected)
        {
            return ScenarioOutcome.Refused(describe, decision.RuleCode!, decision.Message);
        }

        // Decided events go the way they would to the store and back, so what is compared is what a reader will see.
        var recorded = decision.Events.Select(e => _registry.Events.ToEventData(e, EventMetadata.Empty)).ToList();
        var readBack = recorded.Select((e, i) => _registry.Events.Deserialize(Envelope(e.Type, e.Data, e.Metadata.SchemaVersion, _history.Count + i + 1))).ToList();
        var after = readBack.Aggregate(state, _definition.Apply);
        return ScenarioOutcome.Accepted(describe, _registry.Events, readBack, after);
    }

    private object Fold()
    {
        var state = _history.Aggregate(_definition.Initial, (s, e) => _definition.Apply(s, _registry.Events.Deserialize(e)));
        // A snapshot-loaded aggregate decides on its state read back from JSON: decide on that, so a state that does not
        // survive its own serializer fails here rather than after the first snapshot in production.
        return _definition.Snapshots ? _definition.DeserializeState(_definition.SerializeState(state)) : state;
    }

    private void Record(string type, string data, int schemaVersion) => _history.Add(Envelope(type, data, schemaVersion, _history.Count + 1));

    private EventEnvelope Envelope(string type, string data, int schemaVersion, long version) =>
        new(Guid.CreateVersion7(), $"{_definition.Category}-{_id}", _definition.Category, type, version, version, data, "{}", schemaVersion, null, DateTimeOffset.UnixEpoch);
}
