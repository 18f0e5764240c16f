using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Application.Tests.Projections;

/// <summary>In a database of its own: a filtered rebuild deliberately leaves a partial read model.</summary>
public class FilteredRebuildTests(BankDatabase db) : IClassFixture<BankDatabase>
{
    [Fact]
    public async Task A_rebuild_of_a_time_range_replays_only_the_events_inside_it()
    {
        var h = new ProjectionHarness(db);
        await h.Dispatcher.RegisterAsync();
        var id = await h.Bank.OpenAsync(deposit: 10);
        await Task.Delay(20);
        var from = DateTimeOffset.UtcNow;
        await h.Bank.RunAsync(id, "deposit", new { amount = 5, currency = "EUR" });
        await h.Bank.RunAsync(id, "deposit", new { amount = 7, currency = "EUR" });
        await Task.Delay(20);
        var to = DateTimeOffset.UtcNow;
        await h.Bank.RunAsync(id, "deposit", new { amount = 100, currency = "EUR" });
        await h.CatchUpAllAsync();
        Assert.Equal(4, await h.StatementLinesAsync(id));

        Assert.True(await h.Rebuilder.StartAsync("statement", new RebuildFilter(From: from, To: to)));
        while (await h.Rebuilder.StepAsync("statement", TimeSpan.FromSeconds(5)))
        {
        }

        var amounts = await db.ScalarAsync<long[]>("select array_agg(amount order by version) from es_rm_account_statement where account_id = $1", id);
        Assert.Equal(new long[] { 5, 7 }, amounts);
    }
}
