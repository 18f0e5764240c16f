using System.Text.Json;

namespace Serverless.EventSourcing.Sagas;

/// <summary>The history of a saga instance, stored in its own stream <c>saga-&lt;id&gt;</c>: the audit trail in both engines.</summary>
public static class SagaEvents
{
    public const string Category = "saga";

    public sealed record SagaStarted(string Saga, JsonElement Input);

    public sealed record SagaStepSucceeded(int Step, string Name, string StreamId, long Version, string? CommandId);

    /// <param name="Permanent">True when the step will not be tried again (the saga turns to compensation).</param>
    public sealed record SagaStepFailed(int Step, string Name, int Attempt, string Error, string? RuleCode, bool Permanent);

    public sealed record SagaCompensationSucceeded(int Step, string Name, string StreamId, long Version);

    public sealed record SagaCompensationFailed(int Step, string Name, int Attempt, string Error, string? RuleCode, bool Permanent);

    public sealed record SagaCompleted;

    public sealed record SagaCompensated;

    /// <summary>A compensation failed for good: a person must look at it (the reason says what).</summary>
    public sealed record SagaNeedsAttention(string Reason);

    public static Events.EventTypeRegistry Register(Events.EventTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .Register<SagaStarted>("SagaStarted")
            .Register<SagaStepSucceeded>("SagaStepSucceeded")
            .Register<SagaStepFailed>("SagaStepFailed")
            .Register<SagaCompensationSucceeded>("SagaCompensationSucceeded")
            .Register<SagaCompensationFailed>("SagaCompensationFailed")
            .Register<SagaCompleted>("SagaCompleted")
            .Register<SagaCompensated>("SagaCompensated")
            .Register<SagaNeedsAttention>("SagaNeedsAttention");
    }
}
