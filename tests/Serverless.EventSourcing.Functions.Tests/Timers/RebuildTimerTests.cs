using Microsoft.Azure.Functions.Worker;
using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Timers;

/// <summary>On Azure nothing runs in the background: a rebuild started over HTTP is driven by the rebuild timer.</summary>
public sealed class RebuildTimerTests(FunctionsAppHost host) : IClassFixture<FunctionsAppHost>
{
    [Fact]
    public async Task A_rebuild_started_over_http_is_completed_by_the_rebuild_timer()
    {
        var account = await host.Client.OpenAccountAsync(deposit: 25);
        var started = await host.Client.PostAsync("/api/projections/balances/rebuild", Api.Json(new { }));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("running", await RebuildStatusAsync());

        await FunctionInvoker.InvokeAsync<object>(FunctionInvoker.EntryPoint("RebuildProjections"), host.Services, CancellationToken.None, new TimerInfo());

        Assert.Equal("completed", await RebuildStatusAsync());
        var balance = await (await host.Client.GetAsync($"/api/read/accounts/{account}")).JsonAsync();
        Assert.Equal(25, balance.GetProperty("balance").GetInt64());
    }

    private async Task<string?> RebuildStatusAsync() =>
        (await (await host.Client.GetAsync("/api/projections/balances")).JsonAsync()).GetProperty("rebuild").GetProperty("status").GetString();
}
