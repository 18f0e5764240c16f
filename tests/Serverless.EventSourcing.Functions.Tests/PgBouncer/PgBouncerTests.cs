using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Durable;

namespace Serverless.EventSourcing.Functions.Tests.PgBouncer;

/// <summary>Every contract case through PgBouncer in transaction mode.</summary>
public sealed class PgBouncerContractTests(PgBouncerLocalHost host) : IClassFixture<PgBouncerLocalHost>
{
    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public Task Holds(string contractCase) => ContractCases.All[contractCase](host);
}

/// <summary>What depends most on transaction-scoped state, through PgBouncer in transaction mode.</summary>
public sealed class PgBouncerWorkloadTests(PgBouncerLocalHost host) : IClassFixture<PgBouncerLocalHost>
{
    [Fact]
    public async Task Concurrent_commands_on_one_account_and_across_accounts_all_succeed()
    {
        var hot = await host.Client.OpenAccountAsync();
        var spread = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            spread.Add(await host.Client.OpenAccountAsync());
        }

        var requests = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            using var response = await host.Client.PostAsync($"/api/aggregates/account/{(i % 2 == 0 ? hot : spread[i % 5])}/commands/deposit", Api.Json(new { amount = 1, currency = "EUR" }));
            return response.StatusCode;
        }));

        Assert.All(await Task.WhenAll(requests), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(50, await Transfers.BalanceAsync(host.Client, hot));
        Assert.Equal(50, (await Task.WhenAll(spread.Select(a => Transfers.BalanceAsync(host.Client, a)))).Sum());
    }

    [Fact]
    public async Task A_transfer_saga_completes_and_moves_the_money()
    {
        var from = await host.Client.OpenAccountAsync(deposit: 100);
        var to = await host.Client.OpenAccountAsync();

        var saga = await Transfers.StartAsync(host.Client, from, to, 30);
        var status = await Transfers.FinishedAsync(host.Client, saga, TimeSpan.FromSeconds(60));

        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal((70, 30), (await Transfers.BalanceAsync(host.Client, from), await Transfers.BalanceAsync(host.Client, to)));
    }

    [Fact]
    public async Task A_rebuild_under_writes_ends_with_every_balance_right()
    {
        var accounts = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            accounts.Add(await host.Client.OpenAccountAsync(deposit: 10));
        }

        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsync("/api/projections/balances/rebuild", null)).StatusCode);
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{accounts[i % 5]}/commands/deposit", Api.Json(new { amount = 1, currency = "EUR" }))).StatusCode);
        }

        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(200))
        {
            var balances = new List<long>();
            foreach (var account in accounts)
            {
                using var read = await host.Client.GetAsync($"/api/read/accounts/{account}");
                balances.Add(read.IsSuccessStatusCode ? (await read.JsonAsync()).GetProperty("balance").GetInt64() : -1);
            }

            if (balances.All(b => b == 15))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"read model balances {string.Join(", ", balances)}, expected 15 each");
        }
    }
}

/// <summary>
/// The default <c>Postgres:MaxAutoPrepare=50</c> through a transaction-mode pooler runs statements on sessions that did
/// not prepare them (errors, and parameters bound to another statement's plan): the host must refuse to start, naming
/// the setting.
/// </summary>
public sealed class PgBouncerPreparedStatementTests
{
    [Fact]
    public async Task Prepared_statements_on_behind_a_transaction_mode_pooler_stop_the_host_at_start_up_naming_the_setting()
    {
        var host = new PgBouncerPreparingLocalHost();
        try
        {
            var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(host.InitializeAsync);
            Assert.Contains("Postgres__MaxAutoPrepare", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
