using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Postgres.Sagas;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// The local saga engine's worker: claims a runnable saga, advances it action by action while it can,
/// and hands it back (finished, or due again after a step's backoff). Any number may run at once.
/// </summary>
public sealed class LocalSagaRunner(PostgresSagaRuns runs, SagaExecutor executor, AppendSignal signal, ILogger<LocalSagaRunner> logger)
{
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// <paramref name="count"/> runners until <paramref name="stoppingToken"/> fires; then, once each has stopped, their
    /// sagas are handed back at once rather than left to the lease (a restart or another instance goes on without
    /// waiting). A runner that dies without this (a crash, a kill) still leaves its sagas to the lease.
    /// </summary>
    public async Task RunAllAsync(string owner, int count, CancellationToken stoppingToken)
    {
        var owners = Enumerable.Range(0, count).Select(i => $"{owner}-{i}").ToList();
        await Task.WhenAll(owners.Select(o => Task.Run(() => RunAsync(o, stoppingToken), CancellationToken.None)));
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var released = await runs.ReleaseHeldAsync(owners, bounded.Token);
            logger.LogInformation("Saga runners {Owner} stopped; handed back {Count} sagas", owner, released);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException)
        {
            logger.LogWarning(ex, "Saga runners {Owner} could not hand back their sagas; their leases will run out", owner);
        }
    }

    public async Task RunAsync(string owner, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await RunOnceAsync(owner, ct))
                {
                    await signal.WaitAsync(Poll, ct);
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping: whatever the cancellation broke mid-flight (a command, a connection) is left to the lease.
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Saga runner {Owner} failed; retrying", owner);
                // A stop during this pause is a stop, not a failure of the runner.
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims and works one saga; false when none was due.</summary>
    public async Task<bool> RunOnceAsync(string owner, CancellationToken ct)
    {
        if (await runs.ClaimAsync(owner, Lease, ct) is not { } sagaId)
        {
            return false;
        }

        while (true)
        {
            var progress = await executor.AdvanceAsync(sagaId, ct);
            if (progress.Finished || progress.RetryAfter > TimeSpan.Zero)
            {
                await runs.ReleaseAsync(sagaId, owner, progress.Finished, progress.Status.ToString(), progress.RetryAfter, ct);
                return true;
            }

            if (!await runs.RenewAsync(sagaId, owner, Lease, ct))
            {
                return true; // the lease ran out and another runner took it over
            }
        }
    }
}
