using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.LocalHost;
using Serverless.EventSourcing.TestKit.Servers;

namespace Serverless.EventSourcing.Benchmarks;

/// <summary>The real local host on Kestrel (free port) over a benchmark database and a real Redis.</summary>
public sealed class LocalHostUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RedisServer _redis;

    private LocalHostUnderTest(WebApplication app, RedisServer redis, Uri address)
    {
        _app = app;
        _redis = redis;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<LocalHostUnderTest> StartAsync(BenchmarkDatabase db, IDictionary<string, string?>? extra = null)
    {
        var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Postgres:ConnectionString"] = db.ConnectionString,
            ["Redis:ConnectionString"] = redis.ConnectionString,
            // Per-request information logs would measure the console, not the service.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in TestMasterKeys.Settings)
        {
            settings[key] = value;
        }
        // A null value takes a setting away (the product's default applies).
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        var app = LocalHostApp.Build([], LocalHost.App.AppModules.All, settings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalHostUnderTest(app, redis, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
