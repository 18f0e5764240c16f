using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Sagas;

namespace Serverless.EventSourcing.Functions.Sagas;

/// <summary>
/// The generic saga orchestrator (instance id = saga id) and its one activity. Each activity call runs exactly one
/// action of <see cref="SagaExecutor"/> (a step, a compensation, or the final mark) and records it in the saga's
/// history stream. Retries, backoff, step timeouts and compensation order are decided by the executor, the same
/// code the local engine runs, so this loop only waits when told to, on a durable timer.
/// </summary>
public sealed class SagaOrchestrator(SagaExecutor executor)
{
    /// <summary>
    /// Retries of the activity itself when its invocation fails (worker recycled, database unreachable): not the
    /// saga's step retries, which are recorded outcomes of the executor. An activity re-run is harmless: the step's
    /// command carries an idempotency key and the outcome is appended at an expected version.
    /// </summary>
    private static readonly TaskOptions ActivityRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2));

    /// <summary>
    /// Actions per orchestration generation. A transfer needs at most eight, but conflicts on a hot account are retried
    /// without limit, so after this many the orchestration continues as new and its history starts empty again.
    /// </summary>
    internal const int ActionsPerGeneration = 100;

    /// <summary>The orchestrator's function name; the engine schedules it by this name.</summary>
    public const string Name = nameof(SagaOrchestrator);

    /// <summary>The one activity the orchestrator calls.</summary>
    public const string AdvanceActivity = nameof(AdvanceSaga);

    [Function(Name)]
    public async Task<string> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.CreateReplaySafeLogger<SagaOrchestrator>();
        var sagaId = context.GetInput<Guid>();
        for (var action = 0; action < ActionsPerGeneration; action++)
        {
            var progress = await context.CallActivityAsync<SagaProgress>(AdvanceActivity, sagaId, ActivityRetry);
            if (progress.Finished)
            {
                logger.LogInformation("Saga {SagaId} finished: {Status}", sagaId, progress.Status);
                return progress.Status.ToString();
            }

            if (progress.RetryAfter > TimeSpan.Zero)
            {
                await context.CreateTimer(context.CurrentUtcDateTime + progress.RetryAfter, CancellationToken.None);
            }
        }

        logger.LogInformation("Saga {SagaId} continues as new after {Actions} actions", sagaId, ActionsPerGeneration);
        context.ContinueAsNew(sagaId);
        return "continued";
    }

    [Function(AdvanceActivity)]
    public Task<SagaProgress> AdvanceSaga([ActivityTrigger] Guid sagaId, CancellationToken ct) => executor.AdvanceAsync(sagaId, ct);
}
