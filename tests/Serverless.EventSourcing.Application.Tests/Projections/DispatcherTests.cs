using Npgsql;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

public class DispatcherTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_batch_delivered_twice_takes_effect_once()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        var id = await h.Bank.OpenAsync(deposit: 100);
        await h.Bank.RunAsync(id, "withdraw", new { amount = 30, currency = "EUR" });
        var events = await h.EventsOfAsync(id);

        await h.Dispatcher.DispatchAsync(events);
        await h.Dispatcher.DispatchAsync(events);
        await h.Dispatcher.DispatchAsync([events[1], events[2]]);

        Assert.Equal(70, await h.BalanceAsync(id));
        Assert.Equal(2, await h.StatementLinesAsync(id));
    }

    [Fact]
    public async Task Batches_out_of_order_across_streams_give_the_same_read_model()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        var a = await h.Bank.OpenAsync(deposit: 10);
        var b = await h.Bank.OpenAsync(deposit: 20);
        await h.Bank.RunAsync(a, "deposit", new { amount = 1, currency = "EUR" });

        await h.Dispatcher.DispatchAsync(await h.EventsOfAsync(b));
        await h.Dispatcher.DispatchAsync(await h.EventsOfAsync(a));

        Assert.Equal(11, await h.BalanceAsync(a));
        Assert.Equal(20, await h.BalanceAsync(b));
    }

    [Fact]
    public async Task A_gap_is_healed_from_the_store_before_the_later_event_is_applied()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        var id = await h.Bank.OpenAsync(deposit: 100);
        for (var i = 0; i < 3; i++)
        {
            await h.Bank.RunAsync(id, "withdraw", new { amount = 10, currency = "EUR" });
        }

        var events = await h.EventsOfAsync(id);

        // Only versions 1 and 5 arrive; 2..4 were lost by the delivery.
        await h.Dispatcher.DispatchAsync([events[0], events[4]]);

        Assert.Equal(70, await h.BalanceAsync(id));
        Assert.Equal(4, await h.StatementLinesAsync(id));
        var running = await db.ScalarAsync<long[]>("select array_agg(balance_after order by version) from es_rm_account_statement where account_id = $1", id);
        Assert.Equal([100L, 90, 80, 70], running);
    }

    [Fact]
    public async Task A_poison_event_is_parked_the_rest_continues_and_a_retry_after_the_fix_applies_it()
    {
        var flaky = new FlakyProjection("flaky-continue", PoisonPolicy.Continue);
        var h = new ProjectionHarness(db, flaky);
        await h.Dispatcher.RegisterAsync();
        var id = await h.Bank.OpenAsync(deposit: 13);
        await h.Bank.RunAsync(id, "deposit", new { amount = 5, currency = "EUR" });
        flaky.Account = id;
        flaky.FailOnAmount = 13;

        await h.CatchUpAllAsync();

        var parked = Assert.Single(await h.DeadLetters.ListAsync("flaky-continue"));
        Assert.Equal(2, parked.StreamVersion);
        Assert.Equal(h.Options.MaxAttempts, parked.Attempts);
        Assert.Contains("poison", parked.Error);
        Assert.Equal([5L], flaky.Applied);
        Assert.Equal(18, await h.BalanceAsync(id));

        flaky.FailOnAmount = null;
        Assert.Equal(RetryOutcome.Applied, await h.DeadLetters.RetryAsync("flaky-continue", parked.Id));
        Assert.Equal(RetryOutcome.NotFound, await h.DeadLetters.RetryAsync("flaky-continue", parked.Id));
        Assert.Equal([5L, 13], flaky.Applied);
        Assert.Equal("resolved", Assert.Single(await h.DeadLetters.ListAsync("flaky-continue")).Status);
    }

    [Fact]
    public async Task With_the_stop_policy_a_poison_event_stops_the_projection_until_its_retry_succeeds()
    {
        var flaky = new FlakyProjection("flaky-stop", PoisonPolicy.Stop);
        var h = new ProjectionHarness(db, flaky);
        await h.Dispatcher.RegisterAsync();
        await h.CatchUpAllAsync();
        var id = await h.Bank.OpenAsync(deposit: 7);
        flaky.Account = id;
        flaky.FailOnAmount = 7;
        await h.CatchUpAllAsync();
        await h.Bank.RunAsync(id, "deposit", new { amount = 3, currency = "EUR" });
        await h.CatchUpAllAsync();

        Assert.Empty(flaky.Applied);
        Assert.Equal("stopped", await db.ScalarAsync<string>("select status from es_projections where name = 'flaky-stop'"));
        Assert.Equal(RetryOutcome.FailedAgain, await h.DeadLetters.RetryAsync("flaky-stop", (await h.DeadLetters.ListAsync("flaky-stop"))[0].Id));

        flaky.FailOnAmount = null;
        Assert.Equal(RetryOutcome.Applied, await h.DeadLetters.RetryAsync("flaky-stop", (await h.DeadLetters.ListAsync("flaky-stop"))[0].Id));
        await h.CatchUpAllAsync();

        Assert.Equal("running", await db.ScalarAsync<string>("select status from es_projections where name = 'flaky-stop'"));
        Assert.Equal([7L, 3], flaky.Applied);
    }

    [Fact]
    public async Task A_parked_event_that_never_applies_can_be_skipped_with_who_and_why_and_the_projection_moves_on_reporting_divergence()
    {
        var flaky = new FlakyProjection("flaky-skip", PoisonPolicy.Stop);
        var h = new ProjectionHarness(db, flaky);
        await h.Dispatcher.RegisterAsync();
        await h.CatchUpAllAsync();
        var id = await h.Bank.OpenAsync(deposit: 9);
        flaky.Account = id;
        flaky.FailOnAmount = 9;
        await h.CatchUpAllAsync();
        await h.Bank.RunAsync(id, "deposit", new { amount = 4, currency = "EUR" });
        await h.CatchUpAllAsync();
        var parked = Assert.Single(await h.DeadLetters.ListAsync("flaky-skip"));
        Assert.Equal(RetryOutcome.FailedAgain, await h.DeadLetters.RetryAsync("flaky-skip", parked.Id));

        // When an operator gives it up (the cause cannot be fixed)
        Assert.Equal(RetryOutcome.Applied, await h.DeadLetters.SkipAsync("flaky-skip", parked.Id, "ops@example.com", "amount 9 is a known bad import"));
        await h.CatchUpAllAsync();

        // then the projection runs again, later events apply, the skip is on record and the status says the model diverged
        Assert.Equal([4L], flaky.Applied);
        var skipped = Assert.Single(await h.DeadLetters.ListAsync("flaky-skip"));
        Assert.Equal(("skipped", "ops@example.com", "amount 9 is a known bad import"), (skipped.Status, skipped.ResolvedBy, skipped.Resolution));
        var status = Assert.Single(await new ProjectionStatus(db.DataSource).ReadAsync("flaky-skip"));
        Assert.Equal(("running", 0L, 1L, true), (status.Status, status.Parked, status.Skipped, status.Diverged));
        Assert.Equal(RetryOutcome.NotFound, await h.DeadLetters.SkipAsync("flaky-skip", parked.Id, "ops", "again"));
    }

    [Fact]
    public async Task A_projection_whose_table_is_missing_parks_nothing_reports_the_error_and_catches_up_once_the_table_exists()
    {
        // Given a projection deployed before its table (a migration not applied yet)
        var table = "es_rm_late_" + Guid.NewGuid().ToString("N")[..8];
        var late = new TableProjection("late-" + table, table);
        var h = new ProjectionHarness(db, late);
        await h.Dispatcher.RegisterAsync();
        late.Account = await h.Bank.OpenAsync(deposit: 11);

        // When it catches up, the step fails with the database's own error, every time, and parks nothing
        PostgresException? error = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); error is null && DateTime.UtcNow < deadline;)
        {
            try
            {
                while (await h.CatchUp.StepAsync(late) > 0)
                {
                }

                await Task.Delay(20);
            }
            catch (PostgresException ex)
            {
                error = ex;
            }
        }

        Assert.Equal(PostgresErrorCodes.UndefinedTable, error?.SqlState);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, (await Assert.ThrowsAsync<PostgresException>(() => h.CatchUp.StepAsync(late))).SqlState);
        Assert.Empty(await h.DeadLetters.ListAsync(late.Name));
        Assert.Equal("running", await db.ScalarAsync<string>("select status from es_projections where name = $1", late.Name));

        // Then once the table exists, the same events apply
        await db.ExecuteAsync($"create table {table} (account_id text primary key, amount bigint not null)");
        await h.CatchUpAllAsync();
        Assert.Equal(11, await db.ScalarAsync<long>($"select amount from {table} where account_id = $1", late.Account!));
    }

    /// <summary>Writes one account's deposits into a table the test names (and may not have created).</summary>
    private sealed class TableProjection(string name, string table) : IProjection
    {
        public string? Account { get; set; }

        public string Name => name;

        public IReadOnlySet<string> Categories { get; } = new HashSet<string> { "account" };

        public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "MoneyDeposited" };

        public IReadOnlyList<string> Tables => [];

        public PoisonPolicy OnPoison => PoisonPolicy.Continue;

        public async Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct)
        {
            if (envelope.StreamId == $"account-{Account}")
            {
                var amount = System.Text.Json.JsonDocument.Parse(envelope.Data).RootElement.GetProperty("amount").GetInt64();
                await session.ExecuteAsync($"insert into {table} (account_id, amount) values ($1, $2)", Account, amount);
            }
        }
    }

    /// <summary>Throws on deposits of a chosen amount; records what it applied.</summary>
    private sealed class FlakyProjection(string name, PoisonPolicy policy) : IProjection
    {
        private readonly List<long> _applied = [];

        public long? FailOnAmount { get; set; }

        /// <summary>Only this account's deposits count (other tests share the database).</summary>
        public string? Account { get; set; }

        public IReadOnlyList<long> Applied
        {
            get
            {
                lock (_applied)
                {
                    return [.. _applied];
                }
            }
        }

        public string Name => name;

        public IReadOnlySet<string> Categories { get; } = new HashSet<string> { "account" };

        public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "MoneyDeposited" };

        public IReadOnlyList<string> Tables => [];

        public PoisonPolicy OnPoison => policy;

        public Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct)
        {
            if (envelope.StreamId != $"account-{Account}")
            {
                return Task.CompletedTask;
            }

            var amount = System.Text.Json.JsonDocument.Parse(envelope.Data).RootElement.GetProperty("amount").GetInt64();
            if (amount == FailOnAmount)
            {
                throw new InvalidOperationException($"poison: amount {amount}");
            }

            lock (_applied)
            {
                _applied.Add(amount);
            }

            return Task.CompletedTask;
        }
    }
}
