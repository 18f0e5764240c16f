using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Projections;

/// <summary>
/// A background delivery loop (a projection's catch-up, the Kafka relay): runs its step until stopped, beats its
/// heartbeat, waits for the next local append (or the poll, for other processes') when a step found nothing, and backs
/// off after a failure, which shows in readiness until a step succeeds. A failed step changed nothing it did not commit.
/// Callers <see cref="ProjectionLoopHealth.Expect"/> every loop before starting any, so readiness knows them all at once.
/// </summary>
public static class DeliveryLoop
{
    /// <param name="step">One step; returns how much it delivered (0: nothing to do).</param>
    public static async Task RunAsync(string name, Func<CancellationToken, Task<int>> step, ProjectionLoopHealth health, AppendSignal signal, TimeSpan poll, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(logger);
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var delivered = await step(ct);
                health.Beat(name);
                failures = 0;
                if (delivered == 0)
                {
                    await signal.WaitAsync(poll, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                health.Beat(name, ex.Message);
                logger.LogError(ex, "Delivery loop {Loop} failed ({Failures} in a row); retrying", name, failures);
                await Task.Delay(LoopBackoff.After(failures), ct);
            }
        }
    }
}
