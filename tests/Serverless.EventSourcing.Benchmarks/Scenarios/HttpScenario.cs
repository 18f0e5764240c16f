using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Commands;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// Deposit commands over loopback from 16 concurrent clients; server, database and client share the machine.
/// <c>http-deposit</c> spreads them over 100 accounts (at any moment the clients hit 16 different accounts);
/// <c>http-hot</c> sends them all to one account and counts conflicts. <c>http-deposit-key</c> and
/// <c>http-deposit-bearer</c> send the same deposits with credentials: an API key, and an RS256 bearer token validated
/// against a throwaway OIDC issuer's keys (alternating in halves, so drift on the machine falls on both alike).
/// </summary>
public static class HttpScenario
{
    private const int Accounts = 100;
    private const int Clients = 16;
    private const int WideClients = 64;

    /// <summary><c>http-deposit</c> and its in-process twin <c>pipeline-deposit</c>.</summary>
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db);
        using var client = await PrepareAsync(host);
        var perClient = 500 * scale;

        // Beside it, a host whose commands read without the lock and append through group commit (the default until
        // 2026-12-05, when the default host, every command under its stream's lock, measured faster in every run); the
        // two are measured in alternating halves, so drift on the machine and the first run's JIT fall on both alike.
        await using var optimisticDb = await BenchmarkDatabase.CreateAsync();
        await using var optimisticHost = await LocalHostUnderTest.StartAsync(optimisticDb, new Dictionary<string, string?> { ["Commands:OptimisticWrites"] = "true" });
        using var optimisticClient = await PrepareAsync(optimisticHost);
        var (spread, optimistic) = await DepositsInAlternatingHalvesAsync(client, optimisticClient, perClient);

        // The same spread commands through the pipeline in-process: splits HTTP cost from the command path (diagnostic).
        var pipeline = host.Services.GetRequiredService<CommandPipeline>();
        var body = System.Text.Json.JsonSerializer.SerializeToElement(new { amount = 1, currency = "EUR" });
        var direct = await MeasureAsync(perClient, async (c, i) =>
            (await pipeline.ExecuteAsync(new CommandRequest("account", $"h{(i * Clients + c) % Accounts}", "deposit", body))).Status == CommandStatus.Conflict);
        // 64 clients on the same host and accounts: how throughput and P99 grow past 16.
        using var wide = await PrepareAsync(host, open: false, clients: WideClients);
        var wideSpread = await MeasureAsync(perClient / 4, (c, i) => SendAsync(wide, $"h{(i * WideClients + c) % Accounts}", "deposit", Deposit), WideClients);
        using var optimisticWide = await PrepareAsync(optimisticHost, open: false, clients: WideClients);
        var optimisticWideSpread = await MeasureAsync(perClient / 4, (c, i) => SendAsync(optimisticWide, $"h{(i * WideClients + c) % Accounts}", "deposit", Deposit), WideClients);
        var (key, bearer) = await MeasureCredentialsAsync(perClient);
        var (quiet, logged, linesPerCommand) = await MeasureLoggingAsync(perClient);
        return
        [
            spread.Result("http-deposit", $"{Clients * perClient} commands spread over {Accounts} accounts; ops/s = commands/s"),
            wideSpread.Result("http-deposit", $"{WideClients * (perClient / 4)} commands from {WideClients} clients, same host and accounts"),
            // The row's name stays stable: since 2026-12-05 the default host is the locked one, so it reports the same run.
            spread.Result("http-deposit-locked", "every command takes its stream's lock, now the default: the http-deposit run itself (diagnostic)"),
            optimistic.Result("http-deposit-optimistic", "http-deposit with Commands:OptimisticWrites=true: commands read without the lock and append through group commit; halves alternate with http-deposit's (diagnostic)"),
            optimisticWideSpread.Result("http-deposit-optimistic", $"{WideClients * (perClient / 4)} commands from {WideClients} clients on the optimistic host, after the 64-client http-deposit row (diagnostic)"),
            direct.Result("pipeline-deposit", "the http-deposit commands in-process, no HTTP (diagnostic)"),
            key.Result("http-deposit-key", "http-deposit with an API key (x-functions-key), on a host with keys and tokens on"),
            bearer.Result("http-deposit-bearer", "http-deposit with a bearer token (RS256, keys from a loopback OIDC issuer), same host and run"),
            quiet.Result("http-deposit-quiet", "http-deposit on a host logging warnings only (the benchmark's usual setting); halves alternate with http-deposit-logged"),
            logged.Result("http-deposit-logged", $"http-deposit with the product's default log levels, JSON console to a file: {linesPerCommand:0.0} lines per command"),
        ];
    }

    /// <summary>
    /// The spread deposits on two hosts in halves, A-B then B-A, so drift on the machine (and a first run's JIT) falls
    /// on both alike; each side's halves reported as one run.
    /// </summary>
    private static async Task<(Run A, Run B)> DepositsInAlternatingHalvesAsync(HttpClient a, HttpClient b, int perClient)
    {
        Task<Run> Half(HttpClient client) => MeasureAsync(perClient / 2, (c, i) => SendAsync(client, $"h{(i * Clients + c) % Accounts}", "deposit", Deposit));
        var (a1, b1) = (await Half(a), await Half(b));
        var b2 = await Half(b);
        var a2 = await Half(a);
        return (Run.Combine([a1, a2]), Run.Combine([b1, b2]));
    }

    /// <summary>
    /// What the default logging costs: a host with the product's log levels (JSON to the console, here a file, as a
    /// container's stdout would be) against one that logs warnings only, in alternating halves.
    /// </summary>
    private static async Task<(Run Quiet, Run Logged, double LinesPerCommand)> MeasureLoggingAsync(int perClient)
    {
        await using var quietDb = await BenchmarkDatabase.CreateAsync();
        await using var loggedDb = await BenchmarkDatabase.CreateAsync();
        var file = Path.Combine(Path.GetTempPath(), $"bench-log-{Guid.NewGuid():N}.jsonl");
        var console = Console.Out;
        await using var log = new StreamWriter(file) { AutoFlush = false };
        Console.SetOut(log);
        try
        {
            await using var quietHost = await LocalHostUnderTest.StartAsync(quietDb);
            await using var loggedHost = await LocalHostUnderTest.StartAsync(loggedDb, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = null });
            using var quietClient = await PrepareAsync(quietHost);
            using var loggedClient = await PrepareAsync(loggedHost);
            await log.FlushAsync();
            var linesBefore = File.ReadLines(file).Count();
            var (quiet, logged) = await DepositsInAlternatingHalvesAsync(quietClient, loggedClient, perClient);
            await Task.Delay(500); // the console logger writes from its own queue
            await log.FlushAsync();
            var lines = File.ReadLines(file).Count() - linesBefore;
            return (quiet, logged, lines / (double)(Clients * (perClient / 2) * 2));
        }
        finally
        {
            Console.SetOut(console);
            File.Delete(file);
        }
    }

    /// <summary>The deposits on a host with keys and tokens on: key and bearer halves alternate, twice.</summary>
    private static async Task<(Run Key, Run Bearer)> MeasureCredentialsAsync(int perClient)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var issuer = await TestKit.Servers.OidcIssuer.StartAsync();
        const string apiKey = "bench-api-key-0123456789abcdef0123456789abcdef";
        await using var host = await LocalHostUnderTest.StartAsync(db, new Dictionary<string, string?>
        {
            ["Api:Key"] = apiKey,
            ["Auth:Authority"] = issuer.Issuer,
            ["Auth:Audiences"] = TestKit.Servers.OidcIssuer.Audience,
            ["Auth:RequireHttpsMetadata"] = "false",
        });
        using var keyClient = await PrepareAsync(host, c => c.DefaultRequestHeaders.Add("x-functions-key", apiKey));
        using var bearerClient = await PrepareAsync(host, c => c.DefaultRequestHeaders.Authorization = new("Bearer", issuer.Token("bench-user", ["admin"])), open: false);
        var runs = new List<(Run Key, Run Bearer)>();
        for (var pass = 0; pass < 2; pass++)
        {
            var keyRun = await MeasureAsync(perClient / 2, (c, i) => SendAsync(keyClient, $"h{(i * Clients + c) % Accounts}", "deposit", Deposit));
            var bearerRun = await MeasureAsync(perClient / 2, (c, i) => SendAsync(bearerClient, $"h{(i * Clients + c) % Accounts}", "deposit", Deposit));
            runs.Add((keyRun, bearerRun));
        }

        return (Run.Combine(runs.Select(r => r.Key)), Run.Combine(runs.Select(r => r.Bearer)));
    }

    /// <summary><c>http-hot</c>: every client sends to the same account.</summary>
    public static async Task<IReadOnlyList<BenchmarkResult>> RunHotAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db);
        using var client = await PrepareAsync(host);
        var perClient = 250 * scale;
        var hot = await MeasureAsync(perClient, (_, _) => SendAsync(client, "h0", "deposit", Deposit));
        return [hot.Result("http-hot", $"{Clients * perClient} commands to one account; conflicts = 409 answers")];
    }

    /// <summary>Opens the accounts and warms up (JIT, connection pools, plan caches).</summary>
    private static async Task<HttpClient> PrepareAsync(LocalHostUnderTest host, Action<HttpClient>? credential = null, bool open = true, int clients = Clients)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = host.Address };
        credential?.Invoke(client);
        for (var a = 0; a < Accounts && open; a++)
        {
            await SendAsync(client, $"h{a}", "open", "{\"owner\":\"bench\",\"currency\":\"EUR\"}");
        }

        // Enough for the JIT's later tiers: with 400 the first row measured in a process ran 30-40 % below later ones.
        for (var i = 0; i < 2000; i++)
        {
            await SendAsync(client, $"h{i % Accounts}", "deposit", Deposit);
        }

        // Then 2,000 more at the row's concurrency, so the pools (database connections and their prepared statements,
        // HTTP connections, thread pool) are at the row's size before it is timed, as a host that has been up a while is:
        // without it the first host measured in a process ran 25-35 % below the hosts measured after it.
        await Latencies.RunAsync(clients, 2000 / clients, (c, i) => SendAsync(client, $"h{(i * clients + c) % Accounts}", "deposit", Deposit));
        return client;
    }

    private const string Deposit = "{\"amount\":1,\"currency\":\"EUR\"}";

    private static async Task<Run> MeasureAsync(int perClient, Func<int, int, Task<bool>> conflicted, int clients = Clients)
    {
        var latencies = new Latencies();
        var conflicts = 0;
        var rate = await Latencies.RunAsync(clients, perClient, async (c, i) =>
        {
            if (await latencies.TimeAsync(() => conflicted(c, i)))
            {
                Interlocked.Increment(ref conflicts);
            }
        });
        return new Run(rate, latencies, conflicts, clients);
    }

    /// <returns>True when the command was refused as a conflict (409).</returns>
    private static async Task<bool> SendAsync(HttpClient client, string account, string command, string json)
    {
        using var response = await client.PostAsync($"/api/aggregates/account/{account}/commands/{command}", new StringContent(json, Encoding.UTF8, "application/json"));
        return response.StatusCode switch
        {
            HttpStatusCode.OK => false,
            HttpStatusCode.Conflict => true,
            _ => throw new InvalidOperationException($"{command} on {account} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"),
        };
    }

    private sealed record Run(double Rate, Latencies Latencies, int Conflicts, int Clients = Clients)
    {
        /// <summary>Runs of equal size as one: the mean rate, all latencies together.</summary>
        public static Run Combine(IEnumerable<Run> runs)
        {
            var list = runs.ToList();
            var latencies = new Latencies();
            foreach (var run in list)
            {
                latencies.Add(run.Latencies);
            }

            return new Run(list.Average(r => r.Rate), latencies, list.Sum(r => r.Conflicts));
        }

        public BenchmarkResult Result(string scenario, string note) =>
            new(scenario, Clients, Rate, Latencies.Percentile(50), Latencies.Percentile(99), Note: note) { Conflicts = Conflicts };
    }
}
