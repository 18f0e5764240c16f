namespace Serverless.EventSourcing.LocalHost.Tests;

public class ProjectionRoutesTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Client => host.Client;

    private async Task<JsonElement> EventuallyAsync(string url, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await Client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK && done(await response.JsonAsync()))
            {
                return await response.JsonAsync();
            }

            Assert.True(DateTime.UtcNow < deadline, $"{url} did not reach the expected state");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Commands_reach_the_read_models_through_the_background_loops()
    {
        var id = Http.NewId();
        await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }));
        await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = 100, currency = "EUR", reference = "salary" }));
        await Client.PostAsync($"/api/aggregates/account/{id}/commands/withdraw", Http.Json(new { amount = 40, currency = "EUR" }));

        var balance = await EventuallyAsync($"/api/read/accounts/{id}", b => b.GetProperty("balance").GetInt64() == 60);
        var statement = await EventuallyAsync($"/api/read/accounts/{id}/statement", s => s.GetProperty("lines").GetArrayLength() == 2);
        var totals = await EventuallyAsync("/api/read/daily-totals", t => t.GetProperty("totals").GetArrayLength() > 0);

        Assert.Equal("Ada", balance.GetProperty("owner").GetString());
        Assert.Equal([100L, 60], statement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal("salary", statement.GetProperty("lines")[0].GetProperty("reference").GetString());
        Assert.Contains(totals.GetProperty("totals").EnumerateArray(), t => t.GetProperty("currency").GetString() == "EUR" && t.GetProperty("deposited").GetInt64() >= 100);
        await (await Client.GetAsync($"/api/read/accounts/{Http.NewId()}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("date", (await (await Client.GetAsync("/api/read/daily-totals?date=22/11/2026")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Projections_report_status_and_lag_and_a_rebuild_runs_to_completion_over_http()
    {
        var id = Http.NewId();
        await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Bo", currency = "SEK" }));
        await EventuallyAsync($"/api/read/accounts/{id}", _ => true);

        var list = await (await Client.GetAsync("/api/projections")).JsonAsync();
        var rebuild = await Client.PostAsync("/api/projections/balances/rebuild", null);
        var progress = await EventuallyAsync("/api/projections/balances", p => p.GetProperty("rebuild").GetProperty("status").GetString() == "completed");

        Assert.Equal(["balances", "daily-totals", "statement"], list.GetProperty("projections").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order());
        Assert.All(list.GetProperty("projections").EnumerateArray(), p => Assert.Equal("running", p.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        Assert.Equal("/api/projections/balances", rebuild.Headers.Location?.ToString());
        Assert.Equal(progress.GetProperty("rebuild").GetProperty("total").GetInt64(), progress.GetProperty("rebuild").GetProperty("processed").GetInt64());
        Assert.Equal("Bo", (await (await Client.GetAsync($"/api/read/accounts/{id}")).JsonAsync()).GetProperty("owner").GetString());
        Assert.Empty((await (await Client.GetAsync("/api/projections/balances/parked")).JsonAsync()).GetProperty("parked").EnumerateArray());
        await (await Client.GetAsync("/api/projections/nope")).ProblemAsync(HttpStatusCode.NotFound);
        await (await Client.PostAsync("/api/projections/balances/parked/999/retry", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rebuild_request_with_a_reversed_time_range_is_400_and_starts_nothing()
    {
        var response = await Client.PostAsync("/api/projections/daily-totals/rebuild", Http.Json(new { from = "2026-11-22T12:00:00Z", to = "2026-11-21T12:00:00Z" }));

        Assert.Equal("to", (await response.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString());
        var status = await (await Client.GetAsync("/api/projections/daily-totals")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, status.GetProperty("rebuild").ValueKind);
    }

    [Fact]
    public async Task Readiness_includes_the_projection_loops()
    {
        var ready = await (await Client.GetAsync("/api/ready")).JsonAsync();

        var loops = ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "projection-loops");
        Assert.True(loops.GetProperty("healthy").GetBoolean());
        Assert.True(loops.GetProperty("required").GetBoolean());
    }
}
