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
/// <para>
/// No ContinueAsNew: a saga is a handful of actions (a transfer takes at most eight activity calls with every retry
/// and its refund, plus one short wait per concurrency conflict on a hot account, which the executor retries
/// without limit), so the orchestration history stays small.
/// </para>
/// </summary>
public sealed class SagaOrchestrator(SagaExecutor executor)
{
    /// <summary>
    /// Retries of the activity itself when its invocation fails (worker recycled, database unreachable): not the
    /// saga's step retries, which are recorded outcomes of the executor. An activity re-run is harmless: the step's
    /// command carries an idempotency key and the outcome is appended at an expected version.
    /// </summary>
    private static readonly TaskOptions ActivityRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2));

    [Function(nameof(SagaOrchestrator))]
    public async Task<string> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var logger = context.CreateReplaySafeLogger<SagaOrchestrator>();
        var sagaId = context.GetInput<Guid>();
        while (true)
        {
            var progress = await context.CallActivityAsync<SagaProgress>(nameof(AdvanceSaga), sagaId, ActivityRetry);
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
    }

    [Function(nameof(AdvanceSaga))]
    public Task<SagaProgress> AdvanceSaga([ActivityTrigger] Guid sagaId, CancellationToken ct) => executor.AdvanceAsync(sagaId, ct);
}
