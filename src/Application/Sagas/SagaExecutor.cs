using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;
using static Serverless.EventSourcing.Sagas.SagaEvents;

namespace Serverless.EventSourcing.Application.Sagas;

/// <param name="RetryAfter">Wait this long before advancing again (a step's backoff).</param>
public sealed record SagaProgress(SagaStatus Status, bool Finished, TimeSpan RetryAfter);

/// <summary>
/// Advances a saga by exactly one action, the same way in every engine: reads its history, asks the
/// state for the next action, runs that step's command through the pipeline with an idempotency key
/// derived from saga id and step (a re-run after a crash has exactly-once effect), and appends the
/// outcome with an expected version (two runners can never both record a step).
/// </summary>
public sealed class SagaExecutor(SagaCatalog catalog, IEventStore store, CommandPipeline pipeline, ICommandStore commands, EventTypeRegistry events, ILogger<SagaExecutor> logger)
{
    /// <summary>How long to wait, after a step's last attempt failed without a definite answer, before deciding it did not happen.</summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public static StreamId StreamOf(Guid sagaId) => StreamId.For(Category, sagaId.ToString("N"));

    public async Task<(SagaState State, long Version, IReadOnlyList<EventEnvelope> History)> LoadAsync(Guid sagaId, CancellationToken ct = default)
    {
        var slice = await store.ReadStreamAsync(StreamOf(sagaId), 1, ReadLimits.MaxBatch, ReadDirection.Forward, ct);
        var state = SagaState.Initial;
        foreach (var e in slice.Events)
        {
            state = state.Apply(events.Deserialize(e));
        }

        return (state, slice.Version, slice.Events);
    }

    public async Task<SagaProgress> AdvanceAsync(Guid sagaId, CancellationToken ct = default)
    {
        var (state, version, history) = await LoadAsync(sagaId, ct);
        if (!state.Started)
        {
            throw new InvalidOperationException($"Saga {sagaId} has no history.");
        }

        var definition = catalog.Get(state.Saga!);
        var action = state.Next(definition);
        var (outcome, retryAfter) = action.Kind switch
        {
            SagaActionKind.None => ((object?)null, TimeSpan.Zero),
            SagaActionKind.Complete => (new SagaCompleted(), TimeSpan.Zero),
            SagaActionKind.MarkCompensated => (new SagaCompensated(), TimeSpan.Zero),
            SagaActionKind.NeedsAttention => (new SagaNeedsAttention(state.Reason ?? $"compensation of {definition.Steps[action.Step].Name} failed"), TimeSpan.Zero),
            _ => await RunStepAsync(sagaId, definition, state, action, Principal.FromRecord(history[0].Metadata.Principal), ct),
        };

        if (outcome is not null)
        {
            try
            {
                var metadata = new EventMetadata { CorrelationId = sagaId.ToString(), CausationId = sagaId.ToString() };
                await store.AppendAsync(StreamOf(sagaId), ExpectedVersion.Exactly(version), [events.ToEventData(outcome, metadata)], ct);
                state = state.Apply(outcome);
                RecordEnd(state.Saga!, outcome, history[0].CreatedAt);
            }
            catch (WrongExpectedVersionException)
            {
                // Another runner advanced it first; its record stands and the command was idempotent.
                return new SagaProgress(state.Status, false, TimeSpan.Zero);
            }
        }

        return new SagaProgress(state.Status, state.IsFinished, state.IsFinished ? TimeSpan.Zero : retryAfter);
    }

    /// <summary>Counted once: only the runner whose outcome append won gets here.</summary>
    private static void RecordEnd(string saga, object outcome, DateTimeOffset startedAt)
    {
        var end = outcome switch
        {
            SagaCompleted => "completed",
            SagaCompensated => "compensated",
            SagaNeedsAttention => "needs_attention",
            _ => null,
        };
        if (end is null)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>("saga", saga);
        (end switch { "completed" => Telemetry.SagasCompleted, "compensated" => Telemetry.SagasCompensated, _ => null })?.Add(1, tag);
        Telemetry.SagaDuration.Record(Math.Max((DateTimeOffset.UtcNow - startedAt).TotalSeconds, 0), tag, new KeyValuePair<string, object?>("outcome", end));
    }

    private async Task<(object? Outcome, TimeSpan RetryAfter)> RunStepAsync(Guid sagaId, ISagaDefinition definition, SagaState state, SagaAction action, Principal? startedBy, CancellationToken ct)
    {
        var step = definition.Steps[action.Step];
        var compensation = action.Kind == SagaActionKind.Compensate;
        var command = (compensation ? step.Undo! : step.Do)(state.Input, sagaId.ToString());
        var key = $"saga-{sagaId:N}-{action.Step}-{(compensation ? "undo" : "do")}";
        var (result, error) = await TryCommandAsync(sagaId, command, key, step.Timeout, startedBy, ct);

        // A failure without a definite answer (timeout, crash, conflicts) may still have committed: the
        // idempotency record tells. Only when it says nothing, after a moment to settle, is it a failure.
        if (result is null || result.Status == CommandStatus.Conflict)
        {
            if (action.Attempt >= step.Retry.MaxAttempts)
            {
                await Task.Delay(SettleDelay, ct);
            }

            result = await RecordedResultAsync(key, ct) ?? result;
        }

        if (result is { Status: CommandStatus.Succeeded })
        {
            logger.LogInformation("Saga {SagaId} step {Step} {Kind} succeeded", sagaId, step.Name, compensation ? "compensation" : "action");
            return compensation
                ? (new SagaCompensationSucceeded(action.Step, step.Name, result.StreamId, result.Version), TimeSpan.Zero)
                : (new SagaStepSucceeded(action.Step, step.Name, result.StreamId, result.Version, result.CommandId), TimeSpan.Zero);
        }

        if (result is { Status: CommandStatus.Conflict })
        {
            // Contention on a hot aggregate is not a failure: try again shortly, without using up an attempt.
            return (null, TimeSpan.FromMilliseconds(Random.Shared.Next(10, 100)));
        }

        var definite = result is { Status: CommandStatus.Rejected or CommandStatus.NotFound or CommandStatus.Deleted or CommandStatus.IdempotencyKeyReused };
        var permanent = definite || action.Attempt >= step.Retry.MaxAttempts;
        var message = result?.Message ?? error ?? "unknown failure";
        logger.LogWarning("Saga {SagaId} step {Step} {Kind} failed (attempt {Attempt}, permanent {Permanent}): {Error}",
            sagaId, step.Name, compensation ? "compensation" : "action", action.Attempt, permanent, message);
        object failed = compensation
            ? new SagaCompensationFailed(action.Step, step.Name, action.Attempt, message, result?.RuleCode, permanent)
            : new SagaStepFailed(action.Step, step.Name, action.Attempt, message, result?.RuleCode, permanent);
        return (failed, permanent ? TimeSpan.Zero : step.Retry.DelayBefore(action.Attempt + 1));
    }

    /// <param name="startedBy">The saga's starter: its commands are recorded as written on that principal's behalf.</param>
    private async Task<(CommandResult? Result, string? Error)> TryCommandAsync(Guid sagaId, SagaCommand command, string key, TimeSpan timeout, Principal? startedBy, CancellationToken ct)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var context = new CommandContext(IdempotencyKey: key, CorrelationId: sagaId.ToString(), CausationId: sagaId.ToString(), UserId: startedBy?.Subject, Principal: startedBy);
            return (await pipeline.ExecuteAsync(command.AggregateId, command.Command, context, timeoutSource.Token), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex.Message);
        }
    }

    private async Task<CommandResult?> RecordedResultAsync(string key, CancellationToken ct) =>
        await commands.FindAsync(key, ct) is { } record ? JsonSerializer.Deserialize<CommandResult>(record.Result, EventJson.Options) : null;
}
