using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Postgres.Projections;

internal enum EventResult
{
    Skipped,
    Applied,
    Parked,
    Stopped,
}

/// <summary>How one event reaches a projection inside an <see cref="ApplyTransaction"/>.</summary>
internal interface IEventApplier
{
    Task<EventResult> ApplyAsync(EventEnvelope e, CancellationToken ct);
}

/// <summary>The fast path: writes are queued and sent in one batch at the flush, so an error fails the whole batch.</summary>
internal sealed class FastApplier(IProjection projection, IReadModelSession session) : IEventApplier
{
    public async Task<EventResult> ApplyAsync(EventEnvelope e, CancellationToken ct)
    {
        if (!projection.EventTypes.Contains(e.Type))
        {
            return EventResult.Skipped;
        }

        await projection.ApplyAsync(e, session, ct);
        return EventResult.Applied;
    }
}

/// <summary>
/// The slow path after a batch failed: each event under its own savepoint, retried with backoff, and parked when it
/// keeps failing, so one poison event neither blocks the others nor takes them down with it.
/// </summary>
internal sealed class CarefulApplier(IProjection projection, PostgresReadModelSession session, ApplyTransaction run, ProjectionOptions options, ILogger logger) : IEventApplier
{
    public async Task<EventResult> ApplyAsync(EventEnvelope e, CancellationToken ct)
    {
        if (!projection.EventTypes.Contains(e.Type))
        {
            return EventResult.Skipped;
        }

        Exception? error = null;
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            await run.Transaction.SaveAsync("event", ct);
            try
            {
                await projection.ApplyAsync(e, session, ct);
                await session.FlushAsync(ct);
                await run.Transaction.ReleaseAsync("event", ct);
                return EventResult.Applied;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !PostgresFailures.IsSchemaFault(ex))
            {
                error = ex;
                await run.Transaction.RollbackAsync("event", ct);
                if (attempt < options.MaxAttempts)
                {
                    await Task.Delay(options.FirstRetryDelay * Math.Pow(2, attempt - 1), ct);
                }
            }
        }

        logger.LogError(error, "Projection {Projection} parked event {EventId} ({StreamId}@{Version}) after {Attempts} attempts",
            projection.Name, e.EventId, e.StreamId, e.StreamVersion, options.MaxAttempts);
        await DeadLetters.ParkAsync(run, projection, e, error!.Message, options.MaxAttempts, ct);
        return projection.OnPoison == PoisonPolicy.Continue ? EventResult.Parked : EventResult.Stopped;
    }
}
