using System.Collections.Immutable;
using System.Text.Json;
using Serverless.EventSourcing.Aggregates;
using static Serverless.EventSourcing.Sagas.SagaEvents;

namespace Serverless.EventSourcing.Sagas;

public enum SagaStatus
{
    Running,
    Compensating,
    Completed,
    Compensated,
    FailedNeedsAttention,
}

/// <summary>
/// What a saga instance has done so far, folded from its history (one fold per event, like an aggregate's state), and
/// what it should do next. Immutable: <see cref="Apply"/> returns the next state.
/// </summary>
public sealed record SagaState
{
    private static readonly Folds<SagaState> Folds = new Folds<SagaState>()
        .On<SagaStarted>((s, e) => s with { Saga = e.Saga, Input = e.Input })
        .On<SagaStepSucceeded>((s, e) => s with { Succeeded = s.Succeeded.Add(e.Step) })
        .On<SagaStepFailed>((s, e) => (s with { Failures = s.Failures.SetItem(e.Step, e.Attempt) }) switch
        {
            var next when e.Permanent => next with { Status = SagaStatus.Compensating, Reason = $"step {e.Name} failed: {e.Error}" },
            var next => next,
        })
        .On<SagaCompensationSucceeded>((s, e) => s with { Compensated = s.Compensated.Add(e.Step) })
        .On<SagaCompensationFailed>((s, e) => (s with { CompensationFailures = s.CompensationFailures.SetItem(e.Step, e.Attempt) }) switch
        {
            var next when e.Permanent => next with { CompensationGaveUp = s.CompensationGaveUp.Add(e.Step), Reason = $"compensation of {e.Name} failed: {e.Error}" },
            var next => next,
        })
        .On<SagaCompleted>((s, _) => s with { Status = SagaStatus.Completed })
        .On<SagaCompensated>((s, _) => s with { Status = SagaStatus.Compensated })
        .On<SagaNeedsAttention>((s, e) => s with { Status = SagaStatus.FailedNeedsAttention, Reason = e.Reason });

    public static SagaState Initial { get; } = new();

    public string? Saga { get; private init; }

    public JsonElement Input { get; private init; }

    public SagaStatus Status { get; private init; } = SagaStatus.Running;

    public string? Reason { get; private init; }

    public bool Started => Saga is not null;

    public bool IsFinished => Status is SagaStatus.Completed or SagaStatus.Compensated or SagaStatus.FailedNeedsAttention;

    private ImmutableDictionary<int, int> Failures { get; init; } = ImmutableDictionary<int, int>.Empty;

    private ImmutableDictionary<int, int> CompensationFailures { get; init; } = ImmutableDictionary<int, int>.Empty;

    private ImmutableHashSet<int> Succeeded { get; init; } = [];

    private ImmutableHashSet<int> Compensated { get; init; } = [];

    private ImmutableHashSet<int> CompensationGaveUp { get; init; } = [];

    /// <summary>The state after <paramref name="e"/> (one of <see cref="SagaEvents"/>).</summary>
    public SagaState Apply(object e) => Folds.Apply(this, e);

    /// <summary>The single next action; pure, so both engines and the tests agree on it.</summary>
    public SagaAction Next(ISagaDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!Started || IsFinished)
        {
            return SagaAction.None;
        }

        if (Status == SagaStatus.Running)
        {
            for (var i = 0; i < definition.Steps.Count; i++)
            {
                if (!Succeeded.Contains(i))
                {
                    return new SagaAction(SagaActionKind.Execute, i, Failures.GetValueOrDefault(i) + 1);
                }
            }

            return new SagaAction(SagaActionKind.Complete, -1, 0);
        }

        for (var i = definition.Steps.Count - 1; i >= 0; i--)
        {
            if (Succeeded.Contains(i) && definition.Steps[i].Undo is not null && !Compensated.Contains(i))
            {
                return CompensationGaveUp.Contains(i)
                    ? new SagaAction(SagaActionKind.NeedsAttention, i, 0)
                    : new SagaAction(SagaActionKind.Compensate, i, CompensationFailures.GetValueOrDefault(i) + 1);
            }
        }

        return new SagaAction(SagaActionKind.MarkCompensated, -1, 0);
    }
}

public enum SagaActionKind
{
    None,
    Execute,
    Compensate,
    Complete,
    MarkCompensated,
    NeedsAttention,
}

/// <param name="Step">The step index the action concerns (-1 for saga-level actions).</param>
/// <param name="Attempt">1-based attempt number for Execute/Compensate.</param>
public sealed record SagaAction(SagaActionKind Kind, int Step, int Attempt)
{
    public static SagaAction None { get; } = new(SagaActionKind.None, -1, 0);
}
