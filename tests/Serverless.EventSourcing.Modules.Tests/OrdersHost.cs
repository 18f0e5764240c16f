using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.LocalHost;
using Serverless.EventSourcing.Modules.Tests.Orders;

namespace Serverless.EventSourcing.Modules.Tests;

/// <summary>The local host serving the order module alone (no bank), on a free port, over a fresh database.</summary>
public class OrdersHost : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The modules served: the order domain alone, unless a fixture adds others.</summary>
    protected virtual IReadOnlyList<Application.Modules.IDomainModule> Modules => [new OrderModule()];

    public PostgresDatabase Database => _database;

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Every line the host logged.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Settings on top of the servers' addresses (a secured host adds its token issuer and roles).</summary>
    protected virtual Task<IDictionary<string, string?>> ExtraSettingsAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var redis = await RedisServer.GetSharedAsync();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Postgres:ConnectionString"] = _database.ConnectionString,
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Projections:PollMilliseconds"] = "50",
            ["Sagas:Runners"] = "2",
        };
        foreach (var (key, value) in TestMasterKeys.Settings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in await ExtraSettingsAsync())
        {
            settings[key] = value;
        }

        _app = LocalHostApp.Build([], Modules, settings);
        _app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(Logs);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    public Task<HttpResponseMessage> CommandAsync(string id, string command, object body) =>
        Client.PostAsync($"/api/aggregates/order/{id}/commands/{command}", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    /// <summary>Polls a GET until <paramref name="done"/> holds.</summary>
    public async Task<JsonElement> EventuallyAsync(string url, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await Client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement is var body && done(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{url} did not reach the expected state");
            await Task.Delay(50);
        }
    }

    public static string NewId() => Guid.NewGuid().ToString("N")[..10] + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture)[^4..];
}
