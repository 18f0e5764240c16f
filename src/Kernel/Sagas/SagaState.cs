using System.Text.Json;
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

/// <summary>What a saga instance has done so far, folded from its history, and what it should do next.</summary>
public sealed class SagaState
{
    private readonly Dictionary<int, int> _failures = [];
    private readonly Dictionary<int, int> _compensationFailures = [];
    private readonly HashSet<int> _succeeded = [];
    private readonly HashSet<int> _compensated = [];
    private readonly HashSet<int> _compensationGaveUp = [];

    public string? Saga { get; private set; }

    public JsonElement Input { get; private set; }

    public SagaStatus Status { get; private set; } = SagaStatus.Running;

    public string? Reason { get; private set; }

    public bool Started => Saga is not null;

    public bool IsFinished => Status is SagaStatus.Completed or SagaStatus.Compensated or SagaStatus.FailedNeedsAttention;

    public void Apply(object e)
    {
        switch (e)
        {
            case SagaStarted s:
                Saga = s.Saga;
                Input = s.Input;
                break;
            case SagaStepSucceeded s:
                _succeeded.Add(s.Step);
                break;
            case SagaStepFailed f:
                _failures[f.Step] = f.Attempt;
                if (f.Permanent)
                {
                    Status = SagaStatus.Compensating;
                    Reason = $"step {f.Name} failed: {f.Error}";
                }

                break;
            case SagaCompensationSucceeded c:
                _compensated.Add(c.Step);
                break;
            case SagaCompensationFailed f:
                _compensationFailures[f.Step] = f.Attempt;
                if (f.Permanent)
                {
                    _compensationGaveUp.Add(f.Step);
                    Reason = $"compensation of {f.Name} failed: {f.Error}";
                }

                break;
            case SagaCompleted:
                Status = SagaStatus.Completed;
                break;
            case SagaCompensated:
                Status = SagaStatus.Compensated;
                break;
            case SagaNeedsAttention n:
                Status = SagaStatus.FailedNeedsAttention;
                Reason = n.Reason;
                break;
        }
    }

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
                if (!_succeeded.Contains(i))
                {
                    return new SagaAction(SagaActionKind.Execute, i, _failures.GetValueOrDefault(i) + 1);
                }
            }

            return new SagaAction(SagaActionKind.Complete, -1, 0);
        }

        for (var i = definition.Steps.Count - 1; i >= 0; i--)
        {
            if (_succeeded.Contains(i) && definition.Steps[i].Undo is not null && !_compensated.Contains(i))
            {
                return _compensationGaveUp.Contains(i)
                    ? new SagaAction(SagaActionKind.NeedsAttention, i, 0)
                    : new SagaAction(SagaActionKind.Compensate, i, _compensationFailures.GetValueOrDefault(i) + 1);
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
