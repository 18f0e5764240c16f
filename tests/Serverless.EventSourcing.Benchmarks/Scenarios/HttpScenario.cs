using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Commands;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// Deposit commands over loopback from 16 concurrent clients; server, database and client share the machine.
/// <c>http-deposit</c> spreads them over 100 accounts (at any moment the clients hit 16 different accounts);
/// <c>http-hot</c> sends them all to one account and counts conflicts.
/// </summary>
public static class HttpScenario
{
    private const int Accounts = 100;
    private const int Clients = 16;

    /// <summary><c>http-deposit</c> and its in-process twin <c>pipeline-deposit</c>.</summary>
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db);
        using var client = await PrepareAsync(host);
        var perClient = 500 * scale;
        var spread = await MeasureAsync(perClient, (c, i) => SendAsync(client, $"h{(i * Clients + c) % Accounts}", "deposit", Deposit));

        // The same spread commands through the pipeline in-process: splits HTTP cost from the command path (diagnostic).
        var pipeline = host.Services.GetRequiredService<CommandPipeline>();
        var body = System.Text.Json.JsonSerializer.SerializeToElement(new { amount = 1, currency = "EUR" });
        var direct = await MeasureAsync(perClient, async (c, i) =>
            (await pipeline.ExecuteAsync(new CommandRequest("account", $"h{(i * Clients + c) % Accounts}", "deposit", body))).Status == CommandStatus.Conflict);
        return
        [
            spread.Result("http-deposit", $"{Clients * perClient} commands spread over {Accounts} accounts; ops/s = commands/s"),
            direct.Result("pipeline-deposit", "the http-deposit commands in-process, no HTTP (diagnostic)"),
        ];
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
    private static async Task<HttpClient> PrepareAsync(LocalHostUnderTest host)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = host.Address };
        for (var a = 0; a < Accounts; a++)
        {
            await SendAsync(client, $"h{a}", "open", "{\"owner\":\"bench\",\"currency\":\"EUR\"}");
        }

        for (var i = 0; i < 400; i++)
        {
            await SendAsync(client, $"h{i % Accounts}", "deposit", Deposit);
        }

        return client;
    }

    private const string Deposit = "{\"amount\":1,\"currency\":\"EUR\"}";

    private static async Task<Run> MeasureAsync(int perClient, Func<int, int, Task<bool>> conflicted)
    {
        var latencies = new Latencies();
        var conflicts = 0;
        var rate = await Latencies.RunAsync(Clients, perClient, async (c, i) =>
        {
            if (await latencies.TimeAsync(() => conflicted(c, i)))
            {
                Interlocked.Increment(ref conflicts);
            }
        });
        return new Run(rate, latencies, conflicts);
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

    private sealed record Run(double Rate, Latencies Latencies, int Conflicts)
    {
        public BenchmarkResult Result(string scenario, string note) =>
            new(scenario, Clients, Rate, Latencies.Percentile(50), Latencies.Percentile(99), Note: note) { Conflicts = Conflicts };
    }
}
