namespace Serverless.EventSourcing.LocalHost.Tests;

public class CrossCuttingTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Without_the_function_key_routes_are_401_but_probes_stay_open()
    {
        using var anonymous = host.NewClient(withKey: false);
        using var wrongKey = host.NewClient(withKey: false);
        wrongKey.DefaultRequestHeaders.Add("x-functions-key", "nope");

        await (await anonymous.GetAsync("/api/streams/order-1/events")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await wrongKey.GetAsync("/api/stats")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/ready")).StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_are_404_and_wrong_methods_405_as_problems()
    {
        await (await host.Client.GetAsync("/api/nothing-here")).ProblemAsync(HttpStatusCode.NotFound);
        var wrongMethod = await host.Client.PutAsync("/api/streams/order-1/events", Http.Json(new { }));

        var problem = await wrongMethod.ProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.EndsWith("method-not-allowed", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Ready_reports_each_dependency_and_stats_report_the_store()
    {
        await host.Client.PostAsync($"/api/streams/order-{Http.NewId()}/events", Http.Json(new { events = new[] { new { type = "A", data = new { } } } }));

        var ready = await (await host.Client.GetAsync("/api/ready")).JsonAsync();
        var stats = await (await host.Client.GetAsync("/api/stats")).JsonAsync();

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Contains(ready.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "postgres" && c.GetProperty("healthy").GetBoolean());
        Assert.Contains(ready.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "redis");
        Assert.True(stats.GetProperty("store").GetProperty("streams").GetInt64() >= 1);
    }

    [Fact]
    public async Task The_scheduled_jobs_run_on_their_ncrontab_schedules_and_stats_show_their_last_runs()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement jobs;
        do
        {
            await Task.Delay(200);
            jobs = (await (await host.Client.GetAsync("/api/stats")).JsonAsync()).GetProperty("jobs");
            Assert.True(DateTime.UtcNow < deadline, "jobs did not run on schedule");
        }
        while (!jobs.TryGetProperty("snapshot", out _) || !jobs.TryGetProperty("cleanup", out _));

        Assert.Contains(jobs.GetProperty("snapshot").GetProperty("status").GetString(), new[] { "completed", "skipped" });
        Assert.True(jobs.GetProperty("cleanup").GetProperty("counts").TryGetProperty("streamsPurged", out _));
    }
}
