using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>Drives running projection rebuilds in bounded steps (progress is durable, so a restart resumes them).</summary>
public sealed class RebuildDriver(ProjectionRebuilder rebuilder, ILogger<RebuildDriver> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await rebuilder.StepRunningAsync(TimeSpan.FromSeconds(5), stoppingToken) == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Rebuild driver failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
