using System.CommandLine;
using System.Text.Json;
using Serverless.EventSourcing.Benchmarks;
using Serverless.EventSourcing.Benchmarks.Scenarios;
using Spectre.Console;

var scenarios = new Dictionary<string, Func<int, Task<IReadOnlyList<BenchmarkResult>>>>(StringComparer.OrdinalIgnoreCase)
{
    ["append"] = AppendScenario.RunAsync,
    ["append-any"] = AppendScenario.RunAnyAsync,
    ["load"] = LoadScenario.RunAsync,
    ["memory"] = MemoryScenario.RunAsync,
    ["http"] = HttpScenario.RunAsync,
    ["http-hot"] = HttpScenario.RunHotAsync,
    ["projection"] = ProjectionScenario.RunAsync,
    ["lag"] = LagScenario.RunAsync,
    ["lag-kafka"] = LagScenario.RunKafkaAsync,
    ["relay"] = RelayScenario.RunAsync,
    ["saga"] = SagaScenario.RunAsync,
    ["snapshot-job"] = SnapshotJobScenario.RunAsync,
    ["personal"] = PersonalDataScenario.RunAsync,
    ["live-fanout"] = LiveFanoutScenario.RunAsync,
    ["archive"] = ArchiveScenario.RunAsync,
};

var scenarioOption = new Option<string[]>("--scenario")
{
    Description = $"Scenarios to run ({string.Join(", ", scenarios.Keys)}, or all).",
    AllowMultipleArgumentsPerToken = true,
    DefaultValueFactory = _ => ["all"],
};
var jsonOption = new Option<FileInfo?>("--json") { Description = "Write the figures as JSON to this file." };
var waitsOption = new Option<bool>("--wait-events") { Description = "Preload pg_wait_sampling and pg_stat_statements; append rows note what the backends waited on." };
var scaleOption = new Option<int>("--scale") { Description = "Multiplies operation counts (1 = the README's figures).", DefaultValueFactory = _ => 1 };

var root = new RootCommand("Serverless.EventSourcing benchmarks: real PostgreSQL (fsync on) and Redis started for the run.")
{
    scenarioOption,
    jsonOption,
    scaleOption,
    waitsOption,
};

root.SetAction(async (parse, _) =>
{
    var names = parse.GetValue(scenarioOption)!;
    var selected = names.Contains("all", StringComparer.OrdinalIgnoreCase) ? scenarios.Keys.ToArray() : names;
    var unknown = selected.Where(n => !scenarios.ContainsKey(n)).ToArray();
    if (unknown.Length > 0)
    {
        await Console.Error.WriteLineAsync($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", scenarios.Keys)}.");
        return 2;
    }

    BenchmarkDatabase.SampleWaits = parse.GetValue(waitsOption);
    var results = new List<BenchmarkResult>();
    try
    {
        foreach (var name in selected)
        {
            AnsiConsole.MarkupLine($"[bold]Running {name}[/] on {Environment.ProcessorCount} cores…");
            results.AddRange(await scenarios[name](Math.Max(1, parse.GetValue(scaleOption))));
        }
    }
    finally
    {
        await BenchmarkDatabase.StopAsync();
    }

    var table = new Table().AddColumns("scenario", "concurrency", "events/s (or ops/s)", "P50 ms", "P99 ms", "baseline/s", "commits/s", "note");
    foreach (var r in results)
    {
        table.AddRow(r.Scenario, r.Concurrency.ToString(), Fmt(r.EventsPerSecond), Fmt(r.P50Ms), Fmt(r.P99Ms), Fmt(r.BaselineEventsPerSecond), Fmt(r.CommitsPerSecond), Markup.Escape(r.Note ?? ""));
    }

    AnsiConsole.Write(table);
    if (parse.GetValue(jsonOption) is { } file)
    {
        await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"Figures written to [blue]{Markup.Escape(file.FullName)}[/]");
    }

    return 0;
});

return await root.Parse(args).InvokeAsync();

static string Fmt(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "";
