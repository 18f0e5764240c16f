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

    private PostgresDatabase? _database;
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The running app's services (its data source, for tests that hold its pooled connections).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>The database the host runs on: a fresh one on the shared test cluster unless a fixture brings its own server.</summary>
    protected virtual PostgresDatabase CreateDatabase() => new();

    public virtual async Task InitializeAsync()
    {
        _database = CreateDatabase();
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
        foreach (var (key, value) in TestMasterKeys.Settings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        _app = LocalHostApp.Build([], LocalHost.App.AppModules.All, settings);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = NewClient();
    }

    /// <param name="utf8Headers">Sends header values as UTF-8 (HttpClient refuses non-ASCII header values otherwise).</param>
    public HttpClient NewClient(bool withKey = true, bool utf8Headers = false)
    {
        var handler = new SocketsHttpHandler();
        if (utf8Headers)
        {
            handler.RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8;
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", Key);
        }

        return client;
    }

    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
