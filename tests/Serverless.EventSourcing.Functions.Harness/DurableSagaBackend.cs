using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Sagas;

namespace Serverless.EventSourcing.Functions.Harness;

/// <summary>
/// Durable Functions' default storage backend (DurableTask.AzureStorage on Azurite) behind the Durable Task SDK's gRPC
/// sidecar (Kestrel, HTTP/2 without TLS), with a worker that runs the built app's orchestrator and activity, found by
/// their names in functions.metadata and invoked on instances from the app's own services, and a client for
/// <c>[DurableClient]</c>. Orchestrations live in storage, so a new backend on the same task hub finishes what a
/// killed one left.
/// </summary>
public sealed class DurableSagaBackend : IAsyncDisposable
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;

    private DurableSagaBackend(WebApplication sidecar, IHost worker, GrpcChannel channel)
    {
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
    }

    public DurableTaskClient Client => _worker.Services.GetRequiredService<DurableTaskClient>();

    /// <param name="app">The Functions app's services (see <see cref="FunctionsAppServices.AddFunctionsApp"/>).</param>
    /// <param name="dispatch">False: client API only (this process schedules and reads; another one runs the work).</param>
    public static async Task<DurableSagaBackend> StartAsync(string storage, string taskHub, IServiceProvider app, bool dispatch = true, ILoggerFactory? logging = null)
    {
        logging ??= LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(c => c.SingleLine = true));
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage),
            // Quick to take over after a crash: one partition, short leases, short invisibility of a taken activity.
            PartitionCount = 1,
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}",
            LeaseInterval = TimeSpan.FromSeconds(15),
            LeaseRenewInterval = TimeSpan.FromSeconds(5),
            LeaseAcquireInterval = TimeSpan.FromSeconds(5),
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(10),
            // A control message a killed worker had taken stays invisible this long (default 5 minutes) before another takes it.
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(15),
            LoggerFactory = logging,
        });
        // The sidecar does not await creating the task hub; do it first.
        await service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logging);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = dispatch ? TaskHubGrpcServerMode.ApiServerAndDispatcher : TaskHubGrpcServerMode.ApiServerOnly);
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync();
        var address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var channel = GrpcChannel.ForAddress(address);
        var worker = Host.CreateApplicationBuilder();
        worker.Logging.ClearProviders();
        worker.Services.AddSingleton(logging);
        if (dispatch)
        {
            var functions = FunctionsMetadata.Load();
            var orchestrator = functions.Single(f => f.Trigger.Type == "orchestrationTrigger");
            var activity = functions.Single(f => f.Trigger.Type == "activityTrigger");
            worker.Services.AddDurableTaskWorker(b =>
            {
                b.AddTasks(r => r
                    .AddOrchestratorFunc<Guid, string>(orchestrator.Name, (context, _) =>
                        FunctionInvoker.InvokeAsync<string>(FunctionInvoker.EntryPoint(orchestrator), app, CancellationToken.None, context))
                    .AddActivityFunc<Guid, SagaProgress>(activity.Name, (_, sagaId) =>
                        FunctionInvoker.InvokeAsync<SagaProgress>(FunctionInvoker.EntryPoint(activity), app, CancellationToken.None, sagaId)));
                b.UseGrpc(channel);
            });
        }

        worker.Services.AddDurableTaskClient(b =>
        {
            b.UseGrpc(channel);
            b.RegisterDirectly();
        });
        var host = worker.Build();
        await host.StartAsync();
        return new DurableSagaBackend(sidecar, host, channel);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _worker.StopAsync(timeout.Token);
        _worker.Dispose();
        await _channel.ShutdownAsync();
        _channel.Dispose();
        await _sidecar.StopAsync(timeout.Token);
        await _sidecar.DisposeAsync();
    }
}
