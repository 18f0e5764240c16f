namespace Serverless.EventSourcing.Application.Tests.Commands;

/// <summary>
/// Commands read without the stream's lock and append at the version they read. A writer that appends between that
/// read and the commit must never be overwritten or decided around: the command decides again under the lock, and its
/// stream keeps taking the lock for a while.
/// </summary>
public class CommandWritePathTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_command_overtaken_after_its_read_decides_again_on_the_new_state_and_refuses_what_the_new_state_forbids()
    {
        CountingCommands? counting = null;
        var bank = new BankServices(db.DataSource, new CommandOptions { OptimisticWrites = true }, wrapCommands: inner => counting = new CountingCommands(inner));
        var id = await bank.OpenAsync(deposit: 100);
        var stream = StreamId.For("account", id);
        var withdrawn = bank.Registry.Events.ToEventData(new AccountEvents.MoneyWithdrawn(100, "EUR", "racer"), EventMetadata.Empty);
        // Another writer takes the whole balance after the command read it and before it commits.
        counting!.AfterRead = () => bank.Store.AppendAsync(stream, ExpectedVersion.Exactly(2), [withdrawn]);
        counting.Reset();

        var result = await bank.RunAsync(id, "withdraw", new { amount = 100, currency = "EUR" });

        Assert.Equal(CommandStatus.Rejected, result.Status);
        Assert.Equal(AccountRules.InsufficientFunds, result.RuleCode);
        Assert.Equal((1, 1), (counting.Reads, counting.Locked));
        Assert.Equal(0, (await bank.StateAsync(id)).Balance);
        Assert.Equal(3, (await bank.Store.GetStreamAsync(stream))!.Version);
    }

    [Fact]
    public async Task An_overtaken_command_succeeds_under_the_lock_and_its_stream_takes_the_lock_first_for_a_while()
    {
        CountingCommands? counting = null;
        var bank = new BankServices(db.DataSource, new CommandOptions { OptimisticWrites = true }, wrapCommands: inner => counting = new CountingCommands(inner));
        var hot = await bank.OpenAsync(deposit: 10);
        var cold = await bank.OpenAsync(deposit: 10);
        counting!.AfterRead = DepositOnce(bank, hot);
        counting.Reset();

        var first = await bank.RunAsync(hot, "deposit", new { amount = 1, currency = "EUR" });
        Assert.Equal((CommandStatus.Succeeded, 4L), (first.Status, first.Version));
        Assert.Equal((1, 1), (counting.Reads, counting.Locked));

        // The stream that saw a race goes straight to the lock; another stream still reads without it.
        var second = await bank.RunAsync(hot, "deposit", new { amount = 1, currency = "EUR" });
        var elsewhere = await bank.RunAsync(cold, "deposit", new { amount = 1, currency = "EUR" });

        Assert.True(second.Succeeded && elsewhere.Succeeded);
        Assert.Equal((2, 2), (counting.Reads, counting.Locked));
        Assert.Equal(17, (await bank.StateAsync(hot)).Balance);
        Assert.Equal(11, (await bank.StateAsync(cold)).Balance);
    }

    [Fact]
    public async Task An_overtaken_command_with_a_key_records_its_key_once_and_a_retry_replays_it()
    {
        CountingCommands? counting = null;
        var bank = new BankServices(db.DataSource, new CommandOptions { OptimisticWrites = true }, wrapCommands: inner => counting = new CountingCommands(inner));
        var id = await bank.OpenAsync(deposit: 10);
        counting!.AfterRead = DepositOnce(bank, id);
        var key = Guid.NewGuid().ToString();

        var first = await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }, key);
        var retry = await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }, key);

        Assert.Equal(CommandStatus.Succeeded, first.Status);
        Assert.True(retry.Replayed);
        Assert.Equal(first.CommandId, retry.CommandId);
        Assert.Equal(16, (await bank.StateAsync(id)).Balance);
    }

    [Fact]
    public async Task With_optimistic_writes_off_every_command_takes_the_lock()
    {
        CountingCommands? counting = null;
        var bank = new BankServices(db.DataSource, new CommandOptions { OptimisticWrites = false }, wrapCommands: inner => counting = new CountingCommands(inner));
        var id = await bank.OpenAsync(deposit: 10);

        Assert.True((await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" })).Succeeded);

        Assert.Equal((0, 3), (counting!.Reads, counting.Locked));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Many_commands_racing_raw_appends_lose_nothing_and_refuse_nothing(bool optimistic)
    {
        var bank = new BankServices(db.DataSource, new CommandOptions { OptimisticWrites = optimistic });
        var ids = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => bank.OpenAsync()));
        var deposit = bank.Registry.Events.ToEventData(new AccountEvents.MoneyDeposited(1, "EUR", "raw"), EventMetadata.Empty);

        var work = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var id = ids[i % ids.Length];
            if (i % 3 == 0)
            {
                await bank.Store.AppendAsync(StreamId.For("account", id), ExpectedVersion.Any, [deposit with { EventId = Guid.NewGuid() }]);
                return CommandStatus.Succeeded;
            }

            return (await bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" })).Status;
        }));
        var statuses = await Task.WhenAll(work);

        Assert.All(statuses, s => Assert.Equal(CommandStatus.Succeeded, s));
        foreach (var id in ids)
        {
            Assert.Equal(50, (await bank.StateAsync(id)).Balance);
            Assert.Equal(51, (await bank.Store.GetStreamAsync(StreamId.For("account", id)))!.Version);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Commands_that_snapshot_never_hold_a_connection_while_asking_the_pool_for_another(bool optimistic)
    {
        // Two connections, and a snapshot after every command: a command that kept its write's connection while the
        // snapshot waited for one deadlocked with the other until the pool's timeout.
        await using var small = Npgsql.NpgsqlDataSource.Create(new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 2, Timeout = 3 }.ConnectionString);
        var options = new CommandOptions { OptimisticWrites = optimistic, SnapshotPolicy = new SnapshotPolicy(EveryEvents: 1, MaxAge: null) };
        var bank = new BankServices(small, options);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await bank.OpenAsync());
        }

        for (var round = 0; round < 5; round++)
        {
            var results = await Task.WhenAll(ids.Select(id => Task.Run(() => bank.RunAsync(id, "deposit", new { amount = 1, currency = "EUR" }))));
            Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Status));
        }

        foreach (var id in ids)
        {
            Assert.Equal(6, (await bank.Snapshots.LoadAsync(StreamId.For("account", id), AccountAggregate.Definition.StateSchemaVersion))?.Version);
        }
    }

    /// <summary>Another writer's deposit of 5, once, after the first lock-free read.</summary>
    private static Func<Task> DepositOnce(BankServices bank, string account)
    {
        var deposited = bank.Registry.Events.ToEventData(new AccountEvents.MoneyDeposited(5, "EUR", "racer"), EventMetadata.Empty);
        var raced = 0;
        return () => Interlocked.Exchange(ref raced, 1) == 0
            ? bank.Store.AppendAsync(StreamId.For("account", account), ExpectedVersion.Any, [deposited])
            : Task.CompletedTask;
    }

    /// <summary>Counts how commands read, and lets a test act between a lock-free read and its commit.</summary>
    private sealed class CountingCommands(ICommandStore inner) : ICommandStore
    {
        private int _reads;
        private int _locked;

        public Func<Task>? AfterRead { get; set; }

        public int Reads => _reads;

        public int Locked => _locked;

        public void Reset() => (_reads, _locked) = (0, 0);

        public Task<IdempotencyRecord?> FindAsync(string key, CancellationToken ct = default) => inner.FindAsync(key, ct);

        public Task<ICommandWrite> BeginAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _locked);
            return inner.BeginAsync(stream, idempotencyKey, snapshotSchemaVersion, ct);
        }

        public async Task<ICommandWrite> ReadAsync(StreamId stream, string? idempotencyKey, int? snapshotSchemaVersion, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _reads);
            var write = await inner.ReadAsync(stream, idempotencyKey, snapshotSchemaVersion, ct);
            if (AfterRead is { } act)
            {
                await act();
            }

            return write;
        }
    }
}
