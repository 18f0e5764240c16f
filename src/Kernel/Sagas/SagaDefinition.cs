using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Sagas;

/// <summary>One command a step runs (or its compensation), through the command pipeline's typed entry: the command's type names its aggregate.</summary>
public sealed record SagaCommand(string AggregateId, ICommand Command);

/// <summary>How often a step (or its compensation) is tried before failing for good, and how long to wait in between.</summary>
public sealed record SagaRetry(int MaxAttempts, TimeSpan FirstDelay, double Backoff = 2)
{
    public static SagaRetry Default { get; } = new(3, TimeSpan.FromMilliseconds(200));

    public TimeSpan DelayBefore(int attempt) => FirstDelay * Math.Pow(Backoff, Math.Max(0, attempt - 2));
}

/// <summary>A step: the command it runs, optionally the command that undoes it, its retry policy and timeout.</summary>
public sealed record SagaStep(string Name, Func<JsonElement, string, SagaCommand> Do, Func<JsonElement, string, SagaCommand>? Undo, SagaRetry Retry, TimeSpan Timeout);

/// <summary>
/// A named, ordered list of steps over a typed input. Reads top to bottom; when a step fails for good,
/// the completed steps are compensated in reverse order.
/// </summary>
public sealed class SagaDefinition<TInput>(string name)
    : ISagaDefinition
    where TInput : class, ICommand
{
    private readonly List<SagaStep> _steps = [];
    private Func<TInput, SagaCommand>? _authorizing;

    public string Name { get; } = name;

    public Type InputType => typeof(TInput);

    public IReadOnlyList<SagaStep> Steps => _steps;

    /// <param name="undo">Compensation for when a later step fails for good; null when there is nothing to undo.</param>
    public SagaDefinition<TInput> Step(
        string stepName, Func<TInput, string, SagaCommand> @do, Func<TInput, string, SagaCommand>? undo = null, SagaRetry? retry = null, TimeSpan? timeout = null)
    {
        _steps.Add(new SagaStep(
            stepName,
            (input, sagaId) => @do(Read(input), sagaId),
            undo is null ? null : (input, sagaId) => undo(Read(input), sagaId),
            retry ?? SagaRetry.Default,
            timeout ?? TimeSpan.FromSeconds(10)));
        return this;
    }

    /// <summary>
    /// Whom the saga acts for: a principal may start it only when it may run <paramref name="command"/> itself (for a
    /// transfer, the debit of the source account), ownership rules included. Without it, <c>execute</c> on the saga's
    /// name is enough.
    /// </summary>
    public SagaDefinition<TInput> AuthorizedBy(Func<TInput, SagaCommand> command)
    {
        _authorizing = command;
        return this;
    }

    public SagaCommand? AuthorizingCommand(JsonElement input) => _authorizing?.Invoke(Read(input));

    public JsonElement ParseInput(JsonElement body)
    {
        var input = EventJson.ReadInput<TInput>(body);
        input.Validate();
        return JsonSerializer.SerializeToElement(input, EventJson.Options);
    }

    private static TInput Read(JsonElement input) => input.Deserialize<TInput>(EventJson.Options)!;
}

public interface ISagaDefinition
{
    string Name { get; }

    /// <summary>The start request's type (its JSON body), for the API document.</summary>
    Type InputType { get; }

    IReadOnlyList<SagaStep> Steps { get; }

    /// <summary>Validates the start request (throws <see cref="InvalidInputException"/>) and returns the input as stored.</summary>
    JsonElement ParseInput(JsonElement body);

    /// <summary>The command a starter must be allowed to run (see <c>AuthorizedBy</c>); null when <c>execute</c> on the saga is enough.</summary>
    SagaCommand? AuthorizingCommand(JsonElement input);
}
