using Serverless.EventSourcing.Hosting;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>Runs the local saga engine: <c>Sagas:Runners</c> concurrent runners (default 4) in this process.</summary>
public sealed class SagaRunners(LocalSagaRunner runner, IConfiguration configuration) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = EventSourcingSettings.Int(configuration, "Sagas:Runners", 4, min: 1);
        var owner = $"{Environment.MachineName}-{Environment.ProcessId}";
        return runner.RunAllAsync(owner, count, stoppingToken);
    }
}
