using Npgsql;

namespace Serverless.EventSourcing.LocalHost.Tests.Metrics;

/// <summary>
/// Instruments are process-wide, so this class runs alone (no other host of this test process appends meanwhile) and
/// compares counters before and after a known workload.
/// </summary>
[CollectionDefinition(nameof(MetricsScrapeTests), DisableParallelization = true)]
public sealed class MetricsCollection;

public sealed class MetricsFixture : LocalHostFixture
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["Metrics:SampleSeconds"] = "1" };
}

[Collection(nameof(MetricsScrapeTests))]
public sealed class MetricsScrapeTests(MetricsFixture host) : IClassFixture<MetricsFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_a_known_workload_the_scraped_counters_equal_what_was_done_and_projection_lag_returns_to_zero()
    {
        // Given the counters as they are, scraped without the key (the endpoint is open like the probes)
        using var anonymous = host.NewClient(withKey: false);
        var before = await PrometheusText.ScrapeAsync(anonymous);
        var eventsBefore = await CountEventsAsync();

        // When 12 raw appends succeed, 3 raw appends and 2 commands miss their expected version, a command is retried
        // with its Idempotency-Key, and three transfers run (two complete, one is compensated)
        var stream = $"metrics{Http.NewId()}-1";
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "counted", data = new { i } } } }))).StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Conflict, (await host.Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { expectedVersion = 1, events = new[] { new { type = "counted", data = new { } } } }))).StatusCode);
        }

        var source = await OpenAsync(100);
        var target = await OpenAsync(0);
        var frozen = await OpenAsync(0);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{source}/commands/deposit", new { amount = 1, currency = "EUR" }, ("If-Match", "\"99\""))).StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{source}/commands/deposit", new { amount = 5, currency = "EUR" }, ("Idempotency-Key", $"metrics-{stream}"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{frozen}/commands/freeze", Http.Json(new { reason = "test" }))).StatusCode);
        var sagas = new List<string>();
        foreach (var to in new[] { target, target, frozen })
        {
            var start = await host.Client.PostAsync("/api/sagas/transfer", Http.Json(new { fromAccount = source, toAccount = to, amount = 10, currency = "EUR" }));
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            sagas.Add(start.Headers.Location!.ToString());
        }

        foreach (var saga in sagas)
        {
            await Eventually(async () => (await (await host.Client.GetAsync(saga)).JsonAsync()).GetProperty("status").GetString() is "completed" or "compensated");
        }

        // Then the counters moved by exactly that much (events appended: what the store now holds more)
        var eventsAdded = await CountEventsAsync() - eventsBefore;
        PrometheusText after = null!;
        await Eventually(async () =>
        {
            after = await PrometheusText.ScrapeAsync(anonymous);
            return Delta("es_events_appended_total") == eventsAdded && Delta("es_sagas_completed_total") == 2 && Delta("es_sagas_compensated_total") == 1;
        });
        Assert.Equal(eventsAdded, Delta("es_events_appended_total"));
        Assert.Equal(3, Delta("es_concurrency_conflicts_total", ("source", "append")));
        Assert.Equal(2, Delta("es_concurrency_conflicts_total", ("source", "command")));
        Assert.Equal(1, Delta("es_command_idempotent_replays_total", ("aggregate", "account"), ("command", "deposit")));
        Assert.Equal(3, Delta("es_sagas_started_total", ("saga", "transfer")));
        Assert.Equal(2, Delta("es_sagas_completed_total", ("saga", "transfer")));
        Assert.Equal(1, Delta("es_sagas_compensated_total", ("saga", "transfer")));
        Assert.Equal(3, Delta("es_saga_duration_seconds_count", ("saga", "transfer")));
        Assert.Equal(2, Delta("es_command_duration_seconds_count", ("command", "deposit"), ("outcome", "conflict")));
        Assert.True(Delta("es_append_duration_seconds_count", ("outcome", "appended")) >= 12);
        Assert.True(after.Sum("es_jobs_runs_total") > 0, "no job run was counted");

        // And every projection's lag gauge comes back to 0 once the catch-up loops have applied the workload
        await Eventually(async () =>
        {
            var scrape = await PrometheusText.ScrapeAsync(anonymous);
            var lags = scrape.All("es_projection_lag_events").ToList();
            return lags.Count > 0 && lags.All(l => l.Value == 0);
        });

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
    }

    [Fact]
    public async Task The_live_subscriber_gauge_counts_open_subscriptions()
    {
        using var anonymous = host.NewClient(withKey: false);
        var before = (await PrometheusText.ScrapeAsync(anonymous)).Sum("es_live_subscribers", ("feed", "log"));

        var (client, _) = await SseClient.OpenAsync(host.Client, "/api/events/live");
        await Eventually(async () => (await PrometheusText.ScrapeAsync(anonymous)).Sum("es_live_subscribers", ("feed", "log")) == before + 1);
        await client!.DisposeAsync();

        await Eventually(async () => (await PrometheusText.ScrapeAsync(anonymous)).Sum("es_live_subscribers", ("feed", "log")) == before);
    }

    private async Task<string> OpenAsync(long deposit)
    {
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        if (deposit > 0)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = deposit, currency = "EUR" }))).StatusCode);
        }

        return id;
    }

    private async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(host.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from es_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the condition holds; the bound only stops a broken run, nothing is asserted about time.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!await condition())
        {
            Assert.False(bound.IsCancellationRequested, "the condition did not hold within the bound");
            await Task.Delay(100);
        }
    }
}
