using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>Deposit commands on 100 accounts from 16 concurrent clients over loopback; server, database and client share the machine.</summary>
public static class HttpScenario
{
    private const int Accounts = 100;
    private const int Clients = 16;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = host.Address };
        for (var a = 0; a < Accounts; a++)
        {
            await SendAsync(client, $"/api/aggregates/account/h{a}/commands/open", "{\"owner\":\"bench\",\"currency\":\"EUR\"}");
        }

        for (var i = 0; i < 200; i++)
        {
            await SendAsync(client, $"/api/aggregates/account/h{i % Accounts}/commands/deposit", "{\"amount\":1,\"currency\":\"EUR\"}");
        }

        var perClient = 500 * scale;
        var latencies = new Latencies();
        var rate = await Latencies.RunAsync(Clients, perClient, (c, i) =>
            latencies.TimeAsync(() => SendAsync(client, $"/api/aggregates/account/h{(c * perClient + i) % Accounts}/commands/deposit", "{\"amount\":1,\"currency\":\"EUR\"}")));
        // The same commands through the pipeline in-process: splits HTTP cost from the command path (diagnostic).
        var pipeline = host.Services.GetRequiredService<Serverless.EventSourcing.Commands.CommandPipeline>();
        var direct = new Latencies();
        var directRate = await Latencies.RunAsync(Clients, perClient, (c, i) => direct.TimeAsync(() => pipeline.ExecuteAsync(new Serverless.EventSourcing.Commands.CommandRequest(
            "account", $"h{(c * perClient + i) % Accounts}", "deposit", System.Text.Json.JsonSerializer.SerializeToElement(new { amount = 1, currency = "EUR" })))));
        return
        [
            new BenchmarkResult("http-deposit", Clients, rate, latencies.Percentile(50), latencies.Percentile(99), Note: $"{Clients * perClient} commands over {Accounts} accounts; ops/s = commands/s"),
            new BenchmarkResult("pipeline-deposit", Clients, directRate, direct.Percentile(50), direct.Percentile(99), Note: "same commands in-process, no HTTP (diagnostic)"),
        ];
    }

    private static async Task<bool> SendAsync(HttpClient client, string url, string json)
    {
        using var response = await client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));
        // 409 after retries is possible under contention on one account; anything else is a broken run.
        return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict
            ? response.StatusCode == HttpStatusCode.OK
            : throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
