using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.LocalHost;

namespace Serverless.EventSourcing.Modules.Tests.PersonalData;

/// <summary>
/// The master key rotates without rewriting events (a new version wraps new data keys, re-wrapping moves the old ones,
/// then the old version can go), and a host configured with the wrong key, or without one the data needs, does not start.
/// </summary>
public sealed class MasterKeyTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Rotation_keeps_old_and_new_events_readable_and_then_the_old_key_can_go()
    {
        // Given an account written under master key version 1
        string first, second;
        await using (var v1 = await StartAsync(("1", TestMasterKeys.Version1)))
        {
            first = await OpenAsync(v1.Client, "Old Key Owner");
        }

        // When version 2 becomes current beside version 1, another account is written, and the keys are re-wrapped
        await using (var both = await StartAsync(("1", TestMasterKeys.Version1), ("2", TestMasterKeys.Version2)))
        {
            second = await OpenAsync(both.Client, "New Key Owner");
            Assert.Equal("Old Key Owner", await OwnerAsync(both.Client, first));
            var rewrap = JsonDocument.Parse(await (await both.Client.PostAsync("/api/subjects/rewrap", null)).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(1, rewrap.GetProperty("rewrapped").GetInt32());
            Assert.Equal(["2"], rewrap.GetProperty("keysByMasterVersion").EnumerateObject().Select(p => p.Name));
        }

        // Then with version 2 alone both accounts read as written: no event was rewritten
        await using var v2 = await StartAsync(("2", TestMasterKeys.Version2));
        Assert.Equal("Old Key Owner", await OwnerAsync(v2.Client, first));
        Assert.Equal("New Key Owner", await OwnerAsync(v2.Client, second));
    }

    [Fact]
    public async Task A_wrong_master_key_or_a_missing_one_stops_the_host_with_a_message_naming_the_setting()
    {
        await using (var right = await StartAsync(("1", TestMasterKeys.Version1)))
        {
            await OpenAsync(right.Client, "Someone");
        }

        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(("1", TestMasterKeys.Version2)));
        Assert.Contains("PersonalData:MasterKeys:1 is not the master key", wrong.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync());
        Assert.Contains("PersonalData:MasterKeys:1", missing.Message, StringComparison.Ordinal);

        var other = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(("2", TestMasterKeys.Version2)));
        Assert.Contains("wrapped with master key version(s) 1", other.Message, StringComparison.Ordinal);
    }

    private async Task<Host> StartAsync(params (string Version, string Key)[] keys)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Postgres:ConnectionString"] = _database.ConnectionString,
            ["Redis:ConnectionString"] = "",
        };
        foreach (var (version, key) in keys)
        {
            settings[$"PersonalData:MasterKeys:{version}"] = key;
        }

        var app = LocalHostApp.Build([], LocalHost.App.AppModules.All, settings);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new Host(app, new HttpClient { BaseAddress = address });
    }

    private static async Task<string> OpenAsync(HttpClient client, string owner)
    {
        var id = OrdersHost.NewId();
        var response = await client.PostAsync($"/api/aggregates/account/{id}/commands/open", new StringContent(JsonSerializer.Serialize(new { owner, currency = "EUR" }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    private static async Task<string?> OwnerAsync(HttpClient client, string id) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/aggregates/account/{id}")).RootElement.GetProperty("state").GetProperty("owner").GetString();

    private sealed record Host(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
