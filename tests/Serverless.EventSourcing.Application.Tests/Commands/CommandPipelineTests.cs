namespace Serverless.EventSourcing.Application.Tests.Commands;

public class CommandPipelineTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task Commands_round_trip_through_the_real_store()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync(deposit: 1000);

        var withdraw = await bank.RunAsync(id, "withdraw", new { amount = 300, currency = "EUR" });

        Assert.Equal(CommandStatus.Succeeded, withdraw.Status);
        Assert.Equal(3, withdraw.Version);
        Assert.Equal("MoneyWithdrawn", Assert.Single(withdraw.Events).Type);
        Assert.Equal(new AccountState(AccountStatus.Open, "Ada", "EUR", 700), await bank.StateAsync(id));
        var stored = (await bank.Store.ReadStreamAsync(StreamId.For("account", id), 1, 10)).Events;
        Assert.Equal(["AccountOpened", "MoneyDeposited", "MoneyWithdrawn"], stored.Select(e => e.Type));
        Assert.All(stored, e => Assert.Equal("test", e.CorrelationId));
        Assert.Equal(withdraw.CommandId, stored[2].Metadata.CausationId);
    }

    [Fact]
    public async Task Rule_violations_name_the_rule_and_write_nothing()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync(deposit: 100);

        var result = await bank.RunAsync(id, "withdraw", new { amount = 101, currency = "EUR" });

        Assert.Equal(CommandStatus.Rejected, result.Status);
        Assert.Equal(AccountRules.InsufficientFunds, result.RuleCode);
        Assert.Equal(2, (await bank.Store.GetStreamAsync(StreamId.For("account", id)))!.Version);
    }

    [Fact]
    public async Task Unknown_aggregates_commands_and_accounts_are_not_found()
    {
        var bank = new BankServices(db.DataSource);

        Assert.Equal(CommandStatus.NotFound, (await bank.Pipeline.ExecuteAsync(new CommandRequest("spaceship", "1", "launch", default))).Status);
        Assert.Equal(CommandStatus.NotFound, (await bank.RunAsync(BankServices.NewId(), "teleport", new { })).Status);
        Assert.Equal(CommandStatus.NotFound, (await bank.RunAsync(BankServices.NewId(), "deposit", new { amount = 1, currency = "EUR" })).Status);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(100)]
    public async Task Concurrent_commands_on_one_aggregate_all_succeed_without_conflicts(int clients)
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }))));

        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Status));
        Assert.Equal(clients, (await bank.StateAsync(id)).Balance);
        Assert.Equal(Enumerable.Range(2, clients).Select(v => (long)v), results.Select(r => r.Version).Order());
    }

    [Fact]
    public async Task Concurrent_commands_with_keys_run_once_per_key_even_when_keys_repeat()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync();
        var keys = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString()).ToList();

        // Each key sent twice, all 100 requests at once.
        var results = await Task.WhenAll(keys.Concat(keys).Select(key => Task.Run(() => bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }, key))));

        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Status));
        Assert.Equal(50, results.Count(r => !r.Replayed));
        Assert.Equal(50, results.Select(r => r.CommandId).Distinct().Count());
        Assert.Equal(50, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task Raw_appends_racing_commands_on_the_same_stream_are_serialized_not_refused()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync();
        var stream = StreamId.For("account", id);
        var deposit = bank.Registry.Events.ToEventData(new AccountEvents.MoneyDeposited(1, "EUR", "raw"), EventMetadata.Empty);

        var commands = Enumerable.Range(0, 30).Select(_ => Task.Run(async () => (await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" })).Status));
        var raw = Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
        {
            await bank.Store.AppendAsync(stream, ExpectedVersion.Any, [deposit with { EventId = Guid.NewGuid() }]);
            return CommandStatus.Succeeded;
        }));
        var statuses = await Task.WhenAll(commands.Concat(raw));

        Assert.All(statuses, s => Assert.Equal(CommandStatus.Succeeded, s));
        Assert.Equal(60, (await bank.StateAsync(id)).Balance);
        Assert.Equal(61, (await bank.Store.GetStreamAsync(stream))!.Version);
    }

    [Fact]
    public async Task A_pinned_expected_version_is_not_retried()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync(deposit: 100);

        var stale = await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }, expected: ExpectedVersion.Exactly(1));
        var fresh = await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }, expected: ExpectedVersion.Exactly(2));

        Assert.Equal(CommandStatus.Conflict, stale.Status);
        Assert.Equal(2, stale.CurrentVersion);
        Assert.Equal(CommandStatus.Succeeded, fresh.Status);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_result_and_runs_once()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync(deposit: 100);
        var key = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => bank.RunAsync(id, "deposit", new { amount = 10, currency = "EUR" }, key))));

        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Status));
        Assert.Single(results.Select(r => r.CommandId).Distinct());
        Assert.Single(results, r => !r.Replayed);
        Assert.Equal(110, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task A_rejection_is_remembered_under_its_key_too()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync(deposit: 5);
        var key = Guid.NewGuid().ToString();

        var first = await bank.RunAsync(id, "withdraw", new { amount = 10, currency = "EUR" }, key);
        await bank.RunAsync(id, "deposit", new { amount = 100, currency = "EUR" });
        var repeat = await bank.RunAsync(id, "withdraw", new { amount = 10, currency = "EUR" }, key);

        Assert.Equal(AccountRules.InsufficientFunds, first.RuleCode);
        Assert.True(repeat.Replayed);
        Assert.Equal(AccountRules.InsufficientFunds, repeat.RuleCode);
        Assert.Equal(105, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task The_same_key_with_a_different_payload_is_refused()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync(deposit: 100);
        var key = Guid.NewGuid().ToString();

        await bank.RunAsync(id, "deposit", new { amount = 10, currency = "EUR" }, key);
        var other = await bank.RunAsync(id, "deposit", new { amount = 11, currency = "EUR" }, key);

        Assert.Equal(CommandStatus.IdempotencyKeyReused, other.Status);
        Assert.Equal(110, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task Commands_on_a_deleted_stream_report_it()
    {
        var bank = new BankServices(db.DataSource);
        var id = await bank.OpenAsync();
        await bank.Store.TombstoneAsync(StreamId.For("account", id), ExpectedVersion.Any);

        Assert.Equal(CommandStatus.Deleted, (await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" })).Status);
    }
}
