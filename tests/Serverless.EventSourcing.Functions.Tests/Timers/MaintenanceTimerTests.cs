using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Redis;
using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Timers;

/// <summary>The app's snapshot and cleanup timers, invoked as the host invokes them, do their work on the real servers.</summary>
public sealed class MaintenanceTimerTests(MaintenanceTimerTests.Host host) : IClassFixture<MaintenanceTimerTests.Host>
{
    public sealed class Host : FunctionsAppHost
    {
        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Snapshots:EveryEvents"] = "5",
            ["Retention:TombstonedStreamDays"] = "0",
        };
    }

    [Fact]
    public async Task The_snapshot_timer_snapshots_accounts_past_the_threshold_and_no_others()
    {
        var busy = await host.Client.OpenAccountAsync();
        for (var i = 0; i < 6; i++)
        {
            await host.Client.PostAsync($"/api/aggregates/account/{busy}/commands/deposit", Api.Json(new { amount = 1, currency = "EUR" }));
        }

        var quiet = await host.Client.OpenAccountAsync(deposit: 1);
        // Commands snapshot on the same policy as they go; the timer is for streams that missed it (raw appends, a crash).
        await host.Database.ExecuteAsync("delete from es_snapshots where stream_id = $1", $"account-{busy}");
        await host.Database.ExecuteAsync("update es_streams set snapshot_version = 0 where stream_id = $1", $"account-{busy}");
        await host.Services.GetRequiredService<RedisSnapshotCache>().RemoveAsync($"account-{busy}");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/snapshots/account-{busy}")).StatusCode);

        await RunTimerAsync("SnapshotJob");

        var snapshot = await (await host.Client.GetAsync($"/api/snapshots/account-{busy}")).JsonAsync();
        Assert.Equal(7, snapshot.GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/snapshots/account-{quiet}")).StatusCode);
    }

    [Fact]
    public async Task The_cleanup_timer_purges_tombstoned_streams_past_retention_and_keeps_live_ones()
    {
        var deleted = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
        var live = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.DeleteAsync($"/api/streams/{deleted}")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await host.Client.GetAsync($"/api/streams/{deleted}/events")).StatusCode);

        await RunTimerAsync("CleanupJob");

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{deleted}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"/api/streams/{live}")).StatusCode);
        Assert.Equal(1L, await host.Database.ScalarAsync<long>("select count(*) from es_purge_log where stream_id = $1", deleted));
    }

    private Task RunTimerAsync(string function) =>
        FunctionInvoker.InvokeAsync<object>(FunctionInvoker.EntryPoint(function), host.Services, CancellationToken.None, new TimerInfo());
}
