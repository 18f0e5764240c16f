using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.TestKit;

/// <summary>What the command did; the <c>Then…</c> methods assert it and say what happened instead, with the events as JSON.</summary>
public sealed class ScenarioOutcome
{
    private static readonly JsonSerializerOptions Indented = new(EventJson.Options) { WriteIndented = true };

    private readonly string _describe;
    private readonly EventTypeRegistry? _events;

    private ScenarioOutcome(string describe, EventTypeRegistry? events = null)
    {
        _describe = describe;
        _events = events;
    }

    /// <summary>The events the command decided, read back as their current types (empty unless accepted).</summary>
    public IReadOnlyList<object> Events { get; private init; } = [];

    /// <summary>The aggregate's state after those events (null unless accepted).</summary>
    public object? State { get; private init; }

    public string? RuleCode { get; private init; }

    public string? Message { get; private init; }

    /// <summary>The field a validation refusal names (what the API's 400 would say).</summary>
    public string? InvalidField { get; private init; }

    public bool IsNotFound { get; private init; }

    public bool IsAccepted => _events is not null;

    /// <summary>Accepted, with exactly these events in this order (compared as the JSON the store would record, names included).</summary>
    public ScenarioOutcome Then(params object[] expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Require(IsAccepted, "accepted with " + Json(expected));
        var want = Json(expected);
        var got = Json(Events);
        return want == got ? this : throw Failure($"Expected the events\n{want}\nbut the command decided\n{got}");
    }

    /// <summary>Accepted, with no events (nothing to record).</summary>
    public ScenarioOutcome ThenNothing() => Then();

    /// <summary>Refused by the rule <paramref name="ruleCode"/> (the API's 422 <c>rule-violation</c>).</summary>
    public ScenarioOutcome ThenRefused(string ruleCode)
    {
        Require(RuleCode is not null, $"refused with {ruleCode}");
        return RuleCode == ruleCode ? this : throw Failure($"Expected the refusal {ruleCode} but it was refused with {RuleCode} ({Message})");
    }

    /// <summary>Invalid input on <paramref name="field"/> (the API's 400 <c>invalid-input</c>); nothing was decided.</summary>
    public ScenarioOutcome ThenInvalid(string field)
    {
        Require(InvalidField is not null, $"invalid on {field}");
        return InvalidField == field ? this : throw Failure($"Expected invalid input on {field} but it named {InvalidField} ({Message})");
    }

    /// <summary>The stream does not exist and the command does not create one (the API's 404).</summary>
    public ScenarioOutcome ThenNotFound()
    {
        Require(IsNotFound, "not found");
        return this;
    }

    /// <summary>The state after the accepted command, as <typeparamref name="TState"/>, for assertions of your own.</summary>
    public TState StateAs<TState>()
        where TState : class
    {
        Require(IsAccepted, "accepted");
        return State as TState ?? throw Failure($"The state is a {State?.GetType().Name}, not a {typeof(TState).Name}");
    }

    internal static ScenarioOutcome Accepted(string describe, EventTypeRegistry events, IReadOnlyList<object> decided, object state) =>
        new(describe, events) { Events = decided, State = state };

    internal static ScenarioOutcome Refused(string describe, string ruleCode, string? message) => new(describe) { RuleCode = ruleCode, Message = message };

    internal static ScenarioOutcome Invalid(string describe, InvalidInputException invalid) => new(describe) { InvalidField = invalid.Field, Message = invalid.Reason };

    internal static ScenarioOutcome NotFound(string describe) => new(describe) { IsNotFound = true, Message = "the stream does not exist and the command does not create it" };

    private void Require(bool condition, string expected)
    {
        if (!condition)
        {
            throw Failure($"Expected {expected} but {Actual()}");
        }
    }

    private string Actual() =>
        IsAccepted ? "it was accepted with\n" + Json(Events)
        : RuleCode is not null ? $"it was refused with {RuleCode} ({Message})"
        : InvalidField is not null ? $"the input was invalid on {InvalidField} ({Message})"
        : "the stream does not exist and the command does not create it";

    /// <summary>Events as <c>[{type, data}]</c> with their stored names, so a renamed or unregistered event shows.</summary>
    private string Json(IEnumerable<object> events) =>
        JsonSerializer.Serialize(
            events.Select(e => new { type = Name(e), data = JsonSerializer.SerializeToElement(e, e.GetType(), EventJson.Options) }).ToList(),
            Indented);

    private string Name(object domainEvent)
    {
        try
        {
            return _events?.NameOf(domainEvent.GetType()) ?? domainEvent.GetType().Name;
        }
        catch (InvalidOperationException)
        {
            // An expected event of a type the module never registered: show it, the comparison then fails on the name.
            return domainEvent.GetType().Name + " (not registered)";
        }
    }

    private ScenarioFailedException Failure(string message) => new($"{_describe}: {message}");
}
