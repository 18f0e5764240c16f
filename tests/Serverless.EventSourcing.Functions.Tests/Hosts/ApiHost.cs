using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.EventSourcing.Functions.Tests.Hosts;

/// <summary>
/// One host of the API on Kestrel on a free port, over a fresh database and the shared Redis: the local host, or
/// the Functions app's function classes (<see cref="FunctionsAppHost"/>). The contract cases run against both.
/// </summary>
public abstract class ApiHost : IAsyncLifetime
{
    public const string Key = "contract-key";
    public const int MaxBodyBytes = 64 * 1024;

    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public PostgresDatabase Database => _database;

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Settings on top of the test servers' addresses (tests add Kafka, Durable and schedule settings).</summary>
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
            ["Api:MaxBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        _app = Build(settings);
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Add("x-functions-key", Key);
    }

    public HttpClient NewClientWithoutKey() => new() { BaseAddress = Client.BaseAddress };

    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    protected abstract WebApplication Build(IDictionary<string, string?> settings);
}
