using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.LocalHost;

namespace Serverless.EventSourcing.LocalHost.Tests;

/// <summary>The real local host on Kestrel, on a free port, over a fresh database and a real Redis.</summary>
public class LocalHostFixture : IAsyncLifetime
{
    public const string Key = "test-function-key";
    public const int MaxBodyBytes = 64 * 1024;

    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public PostgresDatabase Database => _database;

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var redis = await RedisServer.GetSharedAsync();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Postgres:ConnectionString"] = _database.ConnectionString,
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Api:Key"] = Key,
            ["Api:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Snapshots:EveryEvents"] = "10",
            ["Schedules:Snapshot"] = "*/2 * * * * *",
            ["Schedules:Cleanup"] = "*/3 * * * * *",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        _app = LocalHostApp.Build([], settings);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = NewClient();
    }

    public HttpClient NewClient(bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", Key);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
