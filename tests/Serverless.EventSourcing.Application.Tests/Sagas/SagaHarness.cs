using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serverless.EventSourcing.Samples.Bank.Transfers;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Hosting;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Sagas;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Application.Tests.Sagas;

/// <summary>The local saga engine over a test database: start transfers, run runners, read outcomes.</summary>
public sealed class SagaHarness
{
    public SagaHarness(NpgsqlDataSource dataSource, Func<ICommandStore, ICommandStore>? wrapCommands = null, params ISagaDefinition[] extra)
    {
        Bank = new BankServices(dataSource, wrapCommands: wrapCommands);
        var postgresStore = new PostgresEventStore(dataSource, new EventStoreLimits(), Signal);
        Catalog = new SagaCatalog([TransferSaga.Definition, .. extra]);
        Executor = new SagaExecutor(Catalog, Bank.Store, Bank.Pipeline, Bank.Commands, Bank.Registry.Events, NullLogger<SagaExecutor>.Instance)
        {
            SettleDelay = TimeSpan.FromMilliseconds(50),
        };
        Runs = new PostgresSagaRuns(dataSource, postgresStore);
        Service = new SagaService(Catalog, Runs, Executor, Bank.Registry.Events);
        Runner = new LocalSagaRunner(Runs, Executor, Signal, NullLogger<LocalSagaRunner>.Instance) { Lease = TimeSpan.FromSeconds(1), Poll = TimeSpan.FromMilliseconds(20) };
    }

    public AppendSignal Signal { get; } = new();

    public BankServices Bank { get; }

    public SagaCatalog Catalog { get; }

    public SagaExecutor Executor { get; }

    public PostgresSagaRuns Runs { get; }

    public SagaService Service { get; }

    public LocalSagaRunner Runner { get; }

    public async Task<Guid> StartTransferAsync(string from, string to, long amount, string? key = null, string saga = TransferSaga.Name)
    {
        var body = JsonSerializer.SerializeToElement(new TransferSaga.Input(from, to, amount, "EUR"), EventJson.Options);
        return (await Service.StartAsync(saga, body, key, "test", default)).SagaId;
    }

    /// <summary>Runs <paramref name="runners"/> concurrent runners until every given saga has finished.</summary>
    public async Task RunUntilFinishedAsync(IReadOnlyCollection<Guid> sagas, int runners = 1)
    {
        using var cts = new CancellationTokenSource();
        var workers = Enumerable.Range(0, runners).Select(i => Task.Run(() => Runner.RunAsync($"test-runner-{i}", cts.Token))).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var saga in sagas)
        {
            while (!(await Executor.LoadAsync(saga)).State.IsFinished)
            {
                Assert.True(DateTime.UtcNow < deadline, $"saga {saga} did not finish");
                await Task.Delay(20);
            }
        }

        await cts.CancelAsync();
        await Task.WhenAll(workers);
    }

    public async Task<SagaState> StateAsync(Guid saga) => (await Executor.LoadAsync(saga)).State;

    public async Task<IReadOnlyList<string>> HistoryAsync(Guid saga) => (await Executor.LoadAsync(saga)).History.Select(e => e.Type).ToList();
}
