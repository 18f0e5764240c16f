using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Durable;

/// <summary>
/// The Functions app's HTTP functions with a Durable backend on Azurite behind them: <c>[DurableClient]</c> gets the
/// backend's client, and (unless <see cref="Dispatch"/> is off) this process also runs the orchestrator and activity.
/// Each fixture has a task hub of its own.
/// </summary>
public class DurableAppHost : FunctionsAppHost
{
    private DurableSagaBackend? _backend;

    public string TaskHub { get; } = "hub" + Guid.NewGuid().ToString("N")[..12];

    public string Storage { get; private set; } = "";

    public DurableTaskClient DurableClient => _backend?.Client ?? throw new InvalidOperationException("Not started.");

    protected virtual bool Dispatch => true;

    public override async Task InitializeAsync()
    {
        Storage = (await AzuriteServer.GetSharedAsync()).ConnectionString;
        await base.InitializeAsync();
        _backend = await DurableSagaBackend.StartAsync(Storage, TaskHub, Services, Dispatch);
    }

    public override async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(_ => DurableClient);
}
