using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Samples.Bank.Transfers;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>1,000 transfers through the local saga engine (the host's own runners): completed sagas/s and start→completed latency.</summary>
public static class SagaScenario
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        var transfers = 1000 * scale;
        const int accounts = 50;
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db);
        var pipeline = host.Services.GetRequiredService<CommandPipeline>();
        var sagas = host.Services.GetRequiredService<SagaService>();
        for (var a = 0; a < accounts; a++)
        {
            await pipeline.ExecuteAsync(new CommandRequest("account", $"s{a}", "open", JsonSerializer.SerializeToElement(new { owner = "bench", currency = "EUR" })));
            await pipeline.ExecuteAsync(new CommandRequest("account", $"s{a}", "deposit", JsonSerializer.SerializeToElement(new { amount = 1_000_000, currency = "EUR" })));
        }

        var random = new Random(1);
        var started = await Latencies.RunAsync(8, transfers / 8, async (w, i) =>
        {
            var from = random.Next(accounts);
            var to = (from + 1 + random.Next(accounts - 1)) % accounts;
            var input = JsonSerializer.SerializeToElement(new TransferSaga.Input($"s{from}", $"s{to}", 1 + i % 50, "EUR"), EventJson.Options);
            await sagas.StartAsync(TransferSaga.Name, input, null, "bench", default);
        });

        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await db.ScalarAsync("select count(*) from es_saga_runs where status = 'finished'") < transfers)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Sagas did not finish within 5 minutes.");
            }

            await Task.Delay(100);
        }

        // Start→completed from the commit timestamps of each saga's first and last history event.
        var latencies = new Latencies();
        await using (var command = db.DataSource.CreateCommand(
            "select extract(epoch from max(created_at) - min(created_at)) * 1000 from es_events where category = 'saga' group by stream_id"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                latencies.Add(Convert.ToDouble(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var span = await db.ScalarAsync("select (extract(epoch from max(created_at) - min(created_at)) * 1000)::bigint from es_events where category = 'saga'");
        var completed = await db.ScalarAsync("select count(*) from es_events where event_type = 'SagaCompleted'");
        return [new BenchmarkResult("saga-transfer", 4, Math.Round(completed / (span / 1000.0), 1), latencies.Percentile(50), latencies.Percentile(99),
            Note: $"{completed}/{transfers} completed by 4 local runners; started at {started} sagas/s; events_per_s = completed sagas/s")];
    }
}
