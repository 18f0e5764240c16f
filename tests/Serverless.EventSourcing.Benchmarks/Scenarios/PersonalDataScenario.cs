using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Samples.Bank.Accounts;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;
using static Serverless.EventSourcing.Samples.Bank.Accounts.AccountEvents;

namespace Serverless.EventSourcing.Benchmarks.Scenarios;

/// <summary>
/// The cost of personal data, each pair in the same run on the same host, the plain and the encrypted halves
/// alternating twice so drift on the machine falls on both alike. The bank's <c>AccountOpened</c> is the event: its
/// owner's name is personal, its owner id names the data subject. Appends and commands use subjects whose keys exist
/// (a customer's second account, the common case; a row with a new subject per append shows the first-use cost);
/// the 10,000-event rows read one subject's stream whose every event holds personal data.
/// </summary>
public static class PersonalDataScenario
{
    private const int Writers = 8;
    private const int Clients = 16;
    private const int Subjects = 500;
    private const int Events = 10_000;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(int scale)
    {
        await using var db = await BenchmarkDatabase.CreateAsync();
        await using var host = await LocalHostUnderTest.StartAsync(db);
        var services = host.Services;
        var store = services.GetRequiredService<IEventStore>();
        var protector = services.GetRequiredService<IEventProtector>();
        var encrypting = services.GetRequiredService<CommandPipeline>();
        var plainPipeline = ActivatorUtilities.CreateInstance<CommandPipeline>(services, NoEventProtection.Instance);

        for (var s = 0; s < Subjects; s++)
        {
            var warm = StreamId.Parse($"account-warm{s}");
            await store.AppendAsync(warm, ExpectedVersion.NoStream, await protector.ProtectAsync(warm, [Opened($"customer-{s}")], default));
            await plainPipeline.ExecuteAsync(Open($"warm-plain{s}", $"customer-{s}"));
        }

        var perWriter = 1000 * scale / Writers;
        var appends = await PairAsync(
            run => Measure(Writers, perWriter, (w, i) => AppendAsync(store, null, $"account-p{run}x{w}x{i}", $"customer-{(w * perWriter + i) % Subjects}")),
            run => Measure(Writers, perWriter, (w, i) => AppendAsync(store, protector, $"account-e{run}x{w}x{i}", $"customer-{(w * perWriter + i) % Subjects}")));
        var firstUse = await Measure(Writers, perWriter / 2, (w, i) => AppendAsync(store, protector, $"account-n{w}x{i}", $"new-{w}x{i}"));

        var perClient = 500 * scale / Clients * 2;
        var commands = await PairAsync(
            run => Measure(Clients, perClient, (c, i) => CommandAsync(plainPipeline, $"cp{run}x{c}x{i}", $"customer-{(c * perClient + i) % Subjects}")),
            run => Measure(Clients, perClient, (c, i) => CommandAsync(encrypting, $"ce{run}x{c}x{i}", $"customer-{(c * perClient + i) % Subjects}")));

        var plainStream = StreamId.Parse("account-load-plain");
        var personalStream = StreamId.Parse("account-load-personal");
        await SeedAsync(store, null, plainStream);
        await SeedAsync(store, protector, personalStream);
        await db.ExecuteAsync("vacuum analyze es_events");
        var repository = services.GetRequiredService<AggregateRepository>();
        var loads = 50 * scale;
        var load = await PairAsync(
            _ => Sequential(loads, () => LoadAsync(repository, plainStream)),
            _ => Sequential(loads, () => LoadAsync(repository, personalStream)));
        using var client = new HttpClient { BaseAddress = host.Address };
        var reads = 20 * scale;
        var read = await PairAsync(
            _ => Sequential(reads, () => ReadAsync(client, plainStream)),
            _ => Sequential(reads, () => ReadAsync(client, personalStream)));

        return
        [
            Row("append-personal-plain", Writers, appends.Plain, "AccountOpened appended to distinct streams as plain JSON (no subject, no encryption)"),
            Row("append-personal", Writers, appends.Personal, $"the same appends with the owner's name encrypted (AES-256-GCM) under one of {Subjects} existing subjects; {Cost(appends)} of plain"),
            Row("append-personal-new-subject", Writers, firstUse, "each append for a new subject: its data key is made, wrapped and stored first (report only)"),
            Row("command-personal-plain", Clients, commands.Plain, "open-account commands in-process, the pipeline without encryption"),
            Row("command-personal", Clients, commands.Personal, $"the same commands, the owner's name encrypted; {Cost(commands)} of plain"),
            Row("load-10k-personal-plain", 1, load.Plain, $"an account of {Events:N0} AccountOpened events folded from events, plain; {loads * 2} sequential loads"),
            Row("load-10k-personal", 1, load.Personal, $"the same, every event's owner name encrypted (the fold sees ciphertext); {Cost(load)} of plain"),
            Row("read-10k-personal-plain", 1, read.Plain, $"GET the {Events:N0} events over HTTP (10 pages of 1,000), plain; {reads * 2} sequential reads"),
            Row("read-10k-personal", 1, read.Personal, $"the same stream encrypted and decrypted for a caller with 'personal' (one key read per page); {Cost(read)} of plain"),
        ];
    }

    private sealed record Run(double Rate, Latencies Latencies);

    /// <summary>Plain, personal, plain, personal: each side's two runs combined.</summary>
    private static async Task<(Run Plain, Run Personal)> PairAsync(Func<int, Task<Run>> plain, Func<int, Task<Run>> personal)
    {
        var runs = new List<(Run, Run)>();
        for (var pass = 0; pass < 2; pass++)
        {
            runs.Add((await plain(pass), await personal(pass)));
        }

        return (Combine(runs.Select(r => r.Item1)), Combine(runs.Select(r => r.Item2)));
    }

    private static Run Combine(IEnumerable<Run> runs)
    {
        var list = runs.ToList();
        var latencies = new Latencies();
        foreach (var run in list)
        {
            latencies.Add(run.Latencies);
        }

        return new Run(list.Average(r => r.Rate), latencies);
    }

    private static async Task<Run> Measure(int workers, int perWorker, Func<int, int, Task> operation)
    {
        var latencies = new Latencies();
        var rate = await Latencies.RunAsync(workers, perWorker, (w, i) => latencies.TimeAsync(async () =>
        {
            await operation(w, i);
            return true;
        }));
        return new Run(rate, latencies);
    }

    private static async Task<Run> Sequential(int runs, Func<Task> operation)
    {
        for (var i = 0; i < 5; i++)
        {
            await operation();
        }

        return await Measure(1, runs, (_, _) => operation());
    }

    private static string Cost((Run Plain, Run Personal) pair) =>
        $"{Math.Round(pair.Personal.Rate / pair.Plain.Rate * 100)}% of the throughput, P50 {Math.Round(pair.Personal.Latencies.Percentile(50) / pair.Plain.Latencies.Percentile(50) * 100)}%";

    private static BenchmarkResult Row(string scenario, int concurrency, Run run, string note) =>
        new(scenario, concurrency, run.Rate, run.Latencies.Percentile(50), run.Latencies.Percentile(99), Note: note);

    private static EventData Opened(string ownerId) =>
        new("AccountOpened", JsonSerializer.Serialize(new AccountOpened("Ada Lovelace", "EUR", ownerId), EventJson.Options), new EventMetadata { CorrelationId = Guid.NewGuid().ToString() });

    private static CommandRequest Open(string account, string ownerId) =>
        new("account", account, "open", JsonSerializer.SerializeToElement(new { owner = "Ada Lovelace", currency = "EUR", ownerId }));

    private static async Task AppendAsync(IEventStore store, IEventProtector? protector, string stream, string ownerId)
    {
        var id = StreamId.Parse(stream);
        IReadOnlyList<EventData> events = [Opened(ownerId)];
        await store.AppendAsync(id, ExpectedVersion.NoStream, protector is null ? events : await protector.ProtectAsync(id, events, default));
    }

    private static async Task CommandAsync(CommandPipeline pipeline, string account, string ownerId)
    {
        var result = await pipeline.ExecuteAsync(Open(account, ownerId));
        if (result.Status != CommandStatus.Succeeded)
        {
            throw new InvalidOperationException($"open {account}: {result.Status}");
        }
    }

    private static async Task SeedAsync(IEventStore store, IEventProtector? protector, StreamId stream)
    {
        for (var written = 0; written < Events; written += 1000)
        {
            IReadOnlyList<EventData> batch = Enumerable.Range(0, 1000).Select(_ => Opened("customer-load")).ToList();
            await store.AppendAsync(stream, ExpectedVersion.Exactly(written), protector is null ? batch : await protector.ProtectAsync(stream, batch, default));
        }
    }

    private static async Task LoadAsync(AggregateRepository repository, StreamId stream)
    {
        var loaded = await repository.LoadAsync(Folding, stream);
        if (loaded.Version != Events)
        {
            throw new InvalidOperationException($"{stream}: loaded version {loaded.Version}");
        }
    }

    /// <summary>The account's fold without snapshots, so every load reads all events.</summary>
    private static readonly AggregateDefinition<AccountState> Folding =
        new AggregateDefinition<AccountState>("account", AccountState.Initial)
            .On<AccountOpened>((s, e) => s with { Status = AccountStatus.Open, Owner = e.Owner, Currency = e.Currency, OwnerId = e.OwnerId });

    private static async Task ReadAsync(HttpClient client, StreamId stream)
    {
        for (var from = 1; from <= Events; from += 1000)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}/events?fromVersion={from}&limit=1000");
            var owner = page.GetProperty("events")[999].GetProperty("data").GetProperty("owner").GetString();
            if (owner != "Ada Lovelace")
            {
                throw new InvalidOperationException($"{stream} page {from}: owner read as '{owner}' (expected the plain value)");
            }
        }
    }
}
