using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serverless.EventSourcing.Postgres.Commands;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Snapshots;

namespace Serverless.EventSourcing.Application.Tests;

/// <summary>The write model wired over a real database, with hooks to swap the store or snapshot store under test.</summary>
public sealed class BankServices
{
    public BankServices(NpgsqlDataSource dataSource, CommandOptions? options = null, Func<IEventStore, IEventStore>? wrapStore = null, ISnapshotStore? snapshots = null, Func<ICommandStore, ICommandStore>? wrapCommands = null, PostgresEventStore? store = null)
    {
        Registry = BankModule.CreateRegistry();
        PostgresStore = store ?? new PostgresEventStore(dataSource);
        Store = wrapStore?.Invoke(PostgresStore) ?? PostgresStore;
        Snapshots = snapshots ?? new PostgresSnapshotStore(dataSource, keepPerStream: 3);
        Repository = new AggregateRepository(Store, Snapshots, Registry.Events, NullLogger<AggregateRepository>.Instance);
        var commands = new PostgresCommandStore(dataSource, PostgresStore);
        Commands = wrapCommands?.Invoke(commands) ?? commands;
        Pipeline = new CommandPipeline(
            Registry, Repository, Commands, Snapshots,
            options ?? new CommandOptions(), TimeProvider.System, NullLogger<CommandPipeline>.Instance);
    }

    public AggregateRegistry Registry { get; }

    public ICommandStore Commands { get; }

    public PostgresEventStore PostgresStore { get; }

    public IEventStore Store { get; }

    public ISnapshotStore Snapshots { get; }

    public AggregateRepository Repository { get; }

    public CommandPipeline Pipeline { get; }

    public static string NewId() => Guid.NewGuid().ToString("N")[..12];

    public Task<CommandResult> RunAsync(string id, string command, object body, string? key = null, ExpectedVersion? expected = null) =>
        Pipeline.ExecuteAsync(new CommandRequest("account", id, command, JsonSerializer.SerializeToElement(body, EventJson.Options), expected, key, CorrelationId: "test"));

    public async Task<string> OpenAsync(long deposit = 0, string currency = "EUR")
    {
        var id = NewId();
        Assert.True((await RunAsync(id, "open", new { owner = "Ada", currency })).Succeeded);
        if (deposit > 0)
        {
            Assert.True((await RunAsync(id, "deposit", new { amount = deposit, currency })).Succeeded);
        }

        return id;
    }

    public async Task<AccountState> StateAsync(string id, long? asOfVersion = null, DateTimeOffset? asOf = null) =>
        (AccountState)(await Repository.LoadAsync(AccountAggregate.Definition, StreamId.For("account", id), asOfVersion, asOf)).State;
}
