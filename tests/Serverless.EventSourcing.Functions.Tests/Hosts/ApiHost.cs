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

    /// <summary>Roles of the test deployment beside the built-in ones (reader, writer, executor, operator, auditor, admin).</summary>
    public static readonly IReadOnlyDictionary<string, string> Roles = new Dictionary<string, string>
    {
        ["customer"] = "read:account@own,saga@own,order@own execute:account@own,order@own execute:transfer",
        ["teller"] = "read:account,saga execute:account,transfer",
        ["appender"] = "read:note write:note",
        ["writeonly"] = "write:note",
        ["depositwatch"] = "read:account:MoneyDeposited",
        ["privacy"] = "erase personal read",
        ["selfservice"] = "read:account@own execute:account@own personal:account@own",
    };

    /// <summary>Named API keys of the test deployment (the key and its roles); settings hold only their digests.</summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string Roles)> NamedKeys = new Dictionary<string, (string, string)>
    {
        ["ops"] = ("ops-" + Guid.NewGuid().ToString("N"), "operator"),
        ["audit"] = ("audit-" + Guid.NewGuid().ToString("N"), "auditor"),
    };

    /// <summary>The category the hosts' archive job takes (every stream of it, at once).</summary>
    public const string ArchivedCategory = "archived";

    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public PostgresDatabase Database => _database;

    /// <summary>Every line the host logged (what must never be there is searched for in it).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The throwaway OIDC issuer whose tokens the host accepts.</summary>
    public OidcIssuer Issuer { get; private set; } = null!;

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Settings on top of the test servers' addresses (tests add Kafka, Durable and schedule settings).</summary>
    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var redis = await RedisServer.GetSharedAsync();
        var azurite = await AzuriteServer.GetSharedAsync();
        Issuer = await CreateIssuerAsync();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Postgres:ConnectionString"] = _database.ConnectionString,
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Api:Key"] = Key,
            // A small window, so live cases that start far back read the database before they join it.
            ["Live:WindowEvents"] = "16",
            ["Api:MaxBodyBytes"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture),
            ["Auth:Authority"] = Issuer.Issuer,
            ["Auth:Audiences"] = OidcIssuer.Audience,
            ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:MetadataRefreshSeconds"] = "1",
            // The archive on Azurite, a container per host; streams of 'archived' go as soon as the job runs.
            ["Archive:ConnectionString"] = azurite.ConnectionString,
            ["Archive:Container"] = "archive-" + Guid.NewGuid().ToString("N")[..20],
            ["Archive:Categories"] = ArchivedCategory,
            ["Archive:AfterDays"] = "0",
        };
        foreach (var (key, value) in TestMasterKeys.Settings)
        {
            settings[key] = value;
        }
        foreach (var (role, grants) in Roles)
        {
            settings[$"Auth:Roles:{role}"] = grants;
        }

        foreach (var (name, (key, roles)) in NamedKeys)
        {
            settings[$"Auth:Keys:{name}:Hash"] = Application.Security.ApiKeyRing.Digest(key);
            settings[$"Auth:Keys:{name}:Roles"] = roles;
        }

        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        _app = Build(settings);
        _app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(Logs);
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Add("x-functions-key", Key);
    }

    public HttpClient NewClientWithoutKey() => new() { BaseAddress = Client.BaseAddress };

    /// <summary>A client sending a bearer token of the host's issuer for <paramref name="subject"/> with <paramref name="roles"/>.</summary>
    public HttpClient TokenClient(string subject, params string[] roles) => BearerClient(Issuer.Token(subject, roles));

    public HttpClient BearerClient(string token)
    {
        var client = NewClientWithoutKey();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client sending the named API key (see <see cref="NamedKeys"/>).</summary>
    public HttpClient KeyClient(string name)
    {
        var client = NewClientWithoutKey();
        client.DefaultRequestHeaders.Add("x-functions-key", NamedKeys[name].Key);
        return client;
    }

    /// <summary>The shared issuer; a fixture that rotates keys or takes the issuer down brings its own.</summary>
    protected virtual Task<OidcIssuer> CreateIssuerAsync() => OidcIssuer.GetSharedAsync();

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
