using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Functions.Sagas;
using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Functions.Tests.Durable;

/// <summary>
/// The app's StartSaga function, saga orchestrator and activity on the Durable Task SDK with the Azure Storage backend
/// on Azurite: transfers complete or are compensated, retried starts schedule nothing twice, and the engine
/// reschedules only a missing or failed orchestration.
/// </summary>
public sealed class SagaOrchestrationTests(DurableAppHost host) : IClassFixture<DurableAppHost>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_transfer_completes_and_moves_the_money()
    {
        var from = await host.Client.OpenAccountAsync(deposit: 100);
        var to = await host.Client.OpenAccountAsync();

        var saga = await Transfers.StartAsync(host.Client, from, to, 30);
        var status = await Transfers.FinishedAsync(host.Client, saga, Within);

        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(["SagaStarted", "SagaStepSucceeded", "SagaStepSucceeded", "SagaCompleted"], Transfers.Steps(status));
        Assert.Equal((70L, 30L), (await Transfers.BalanceAsync(host.Client, from), await Transfers.BalanceAsync(host.Client, to)));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await WaitForOrchestrationAsync(saga)).RuntimeStatus);
    }

    [Fact]
    public async Task A_transfer_to_a_frozen_account_is_compensated_and_the_source_refunded()
    {
        var from = await host.Client.OpenAccountAsync(deposit: 100);
        var to = await host.Client.OpenAccountAsync();
        await host.Client.PostAsync($"/api/aggregates/account/{to}/commands/freeze", Api.Json(new { reason = "test" }));

        var status = await Transfers.FinishedAsync(host.Client, await Transfers.StartAsync(host.Client, from, to, 40), Within);

        Assert.Equal("compensated", status.GetProperty("status").GetString());
        Assert.Contains("SagaCompensationSucceeded", Transfers.Steps(status));
        Assert.Equal((100L, 0L), (await Transfers.BalanceAsync(host.Client, from), await Transfers.BalanceAsync(host.Client, to)));
    }

    [Fact]
    public async Task A_start_retried_with_the_same_idempotency_key_schedules_nothing_twice()
    {
        var from = await host.Client.OpenAccountAsync(deposit: 100);
        var to = await host.Client.OpenAccountAsync();
        var key = Guid.NewGuid().ToString();

        var first = await Transfers.StartAsync(host.Client, from, to, 10, key);
        var retried = await Transfers.StartAsync(host.Client, from, to, 10, key);
        await Transfers.FinishedAsync(host.Client, first, Within);
        var created = (await WaitForOrchestrationAsync(first)).CreatedAt;
        var afterFinish = await Transfers.StartAsync(host.Client, from, to, 10, key);

        Assert.Equal(first, retried);
        Assert.Equal(first, afterFinish);
        Assert.Equal(created, (await host.DurableClient.GetInstanceAsync(first))!.CreatedAt);
        Assert.Equal((90L, 10L), (await Transfers.BalanceAsync(host.Client, from), await Transfers.BalanceAsync(host.Client, to)));
    }

    [Fact]
    public async Task A_saga_whose_orchestration_is_missing_is_scheduled_again_and_finishes()
    {
        // Given a start that recorded SagaStarted and died before scheduling its orchestration
        var (sagaId, started) = await StartedEventAsync();
        await host.Services.GetRequiredService<Store.IEventStore>().AppendAsync(SagaExecutor.StreamOf(sagaId), ExpectedVersion.NoStream, [started]);

        // when the start is retried (a new first event, as SagaService makes one per request), the engine finds the
        // history and no instance, and schedules it
        Assert.False(await StartThroughEngineAsync(sagaId, started with { EventId = Guid.NewGuid() }));

        Assert.Equal("completed", (await Transfers.FinishedAsync(host.Client, sagaId.ToString(), Within)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_saga_whose_orchestration_failed_is_scheduled_again_and_finishes()
    {
        // Given a saga whose orchestration failed for good (here: scheduled under a name no worker knows)
        var (sagaId, started) = await StartedEventAsync();
        await host.Services.GetRequiredService<Store.IEventStore>().AppendAsync(SagaExecutor.StreamOf(sagaId), ExpectedVersion.NoStream, [started]);
        await host.DurableClient.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", sagaId, new StartOrchestrationOptions { InstanceId = sagaId.ToString() });
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await WaitForOrchestrationAsync(sagaId.ToString())).RuntimeStatus);

        // when the start is retried, the engine reschedules it
        Assert.False(await StartThroughEngineAsync(sagaId, started with { EventId = Guid.NewGuid() }));

        Assert.Equal("completed", (await Transfers.FinishedAsync(host.Client, sagaId.ToString(), Within)).GetProperty("status").GetString());
    }

    private async Task<(Guid SagaId, EventData Started)> StartedEventAsync()
    {
        var from = await host.Client.OpenAccountAsync(deposit: 100);
        var to = await host.Client.OpenAccountAsync();
        var input = JsonSerializer.SerializeToElement(new { fromAccount = from, toAccount = to, amount = 5L, currency = "EUR" });
        var started = host.Services.GetRequiredService<EventTypeRegistry>().ToEventData(new SagaEvents.SagaStarted("transfer", input), EventMetadata.Empty);
        return (Guid.NewGuid(), started);
    }

    private async Task<bool> StartThroughEngineAsync(Guid sagaId, EventData started)
    {
        var engine = host.Services.GetRequiredService<ISagaEngine>();
        Assert.IsType<DurableSagaEngine>(engine);
        using var client = DurableSagaEngine.UseClient(host.DurableClient);
        return await engine.StartAsync(sagaId, "transfer", started, CancellationToken.None);
    }

    private async Task<OrchestrationMetadata> WaitForOrchestrationAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(Within);
        return await host.DurableClient.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: false, timeout.Token);
    }
}
