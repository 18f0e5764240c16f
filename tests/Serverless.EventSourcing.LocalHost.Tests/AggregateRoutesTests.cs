namespace Serverless.EventSourcing.LocalHost.Tests;

public class AggregateRoutesTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Client => host.Client;

    private async Task<string> OpenAsync(long deposit = 0)
    {
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        if (deposit > 0)
        {
            Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = deposit, currency = "EUR" }))).StatusCode);
        }

        return id;
    }

    [Fact]
    public async Task Commands_change_state_that_reads_back_with_an_etag_and_as_of_a_version()
    {
        var id = await OpenAsync(deposit: 100);
        var withdraw = await Client.PostAsync($"/api/aggregates/account/{id}/commands/withdraw", Http.Json(new { amount = 30, currency = "EUR" }));

        var now = await Client.GetAsync($"/api/aggregates/account/{id}");
        var before = await (await Client.GetAsync($"/api/aggregates/account/{id}?asOfVersion=2")).JsonAsync();
        var atOpen = await (await Client.GetAsync($"/api/aggregates/account/{id}?asOfVersion=1")).JsonAsync();

        Assert.Equal("\"3\"", withdraw.Headers.ETag?.Tag);
        Assert.Equal("\"3\"", now.Headers.ETag?.Tag);
        Assert.Equal(70, (await now.JsonAsync()).GetProperty("state").GetProperty("balance").GetInt64());
        Assert.Equal(100, before.GetProperty("state").GetProperty("balance").GetInt64());
        Assert.Equal(0, atOpen.GetProperty("state").GetProperty("balance").GetInt64());
        var future = await (await Client.GetAsync($"/api/aggregates/account/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}")).JsonAsync();
        Assert.Equal(70, future.GetProperty("state").GetProperty("balance").GetInt64());
        await (await Client.GetAsync($"/api/aggregates/account/{id}?asOf=2000-01-01T00:00:00Z")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rule_violation_is_422_with_the_rule_code()
    {
        var id = await OpenAsync(deposit: 10);

        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/withdraw", Http.Json(new { amount = 11, currency = "EUR" }));

        Assert.Equal("insufficient_funds", (await response.ProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("ruleCode").GetString());
    }

    [Fact]
    public async Task Unknown_types_commands_and_accounts_are_404_and_bad_payloads_400()
    {
        var id = await OpenAsync();

        await (await Client.PostAsync($"/api/aggregates/rocket/{id}/commands/launch", Http.Json(new { }))).ProblemAsync(HttpStatusCode.NotFound);
        await (await Client.PostAsync($"/api/aggregates/account/{id}/commands/teleport", Http.Json(new { }))).ProblemAsync(HttpStatusCode.NotFound);
        await (await Client.PostAsync($"/api/aggregates/account/{Http.NewId()}/commands/deposit", Http.Json(new { amount = 1, currency = "EUR" }))).ProblemAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"/api/aggregates/account/{Http.NewId()}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"/api/aggregates/rocket/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        var bad = await (await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = -5, currency = "EUR" }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("amount", bad.GetProperty("field").GetString());
        var badVersion = await (await Client.GetAsync($"/api/aggregates/account/{id}?asOfVersion=-1")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("asOfVersion", badVersion.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_retried_command_with_the_same_idempotency_key_gets_the_first_response_and_runs_once()
    {
        var id = await OpenAsync();
        var key = Guid.NewGuid().ToString();

        var first = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 25, currency = "EUR" }, ("Idempotency-Key", key));
        var retry = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 25, currency = "EUR" }, ("Idempotency-Key", key));
        var reused = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 26, currency = "EUR" }, ("Idempotency-Key", key));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        await reused.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(25, (await (await Client.GetAsync($"/api/aggregates/account/{id}")).JsonAsync()).GetProperty("state").GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task If_match_on_a_command_pins_the_version_and_a_stale_one_is_412()
    {
        var id = await OpenAsync(deposit: 10);

        var stale = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 1, currency = "EUR" }, ("If-Match", "\"1\""));
        var fresh = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 1, currency = "EUR" }, ("If-Match", "\"2\""));

        Assert.Equal(2, (await stale.ProblemAsync(HttpStatusCode.PreconditionFailed)).GetProperty("currentVersion").GetInt64());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task The_correlation_id_is_echoed_and_stored_and_causation_chains_to_the_command()
    {
        var id = await OpenAsync();
        var correlation = "corr-" + Guid.NewGuid();

        var response = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 5, currency = "EUR" }, ("x-correlation-id", correlation));
        var commandId = (await response.JsonAsync()).GetProperty("commandId").GetString();
        var events = await (await Client.GetAsync($"/api/events?correlationId={correlation}")).JsonAsync();
        var generated = await Client.GetAsync("/api/health");

        Assert.Equal(correlation, response.Headers.GetValues("x-correlation-id").Single());
        var stored = Assert.Single(events.GetProperty("events").EnumerateArray());
        Assert.Equal(correlation, stored.GetProperty("metadata").GetProperty("correlationId").GetString());
        Assert.Equal(commandId, stored.GetProperty("metadata").GetProperty("causationId").GetString());
        Assert.True(Guid.TryParse(generated.Headers.GetValues("x-correlation-id").Single(), out _));
    }

    [Fact]
    public async Task Snapshots_can_be_taken_and_read_and_are_taken_by_policy()
    {
        var id = await OpenAsync(deposit: 10);
        var stream = $"account-{id}";

        var none = await Client.GetAsync($"/api/snapshots/{stream}");
        var taken = await Client.PostAsync($"/api/snapshots/{stream}", null);
        var read = await Client.GetAsync($"/api/snapshots/{stream}");
        for (var i = 0; i < 10; i++)
        {
            await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = 1, currency = "EUR" }));
        }

        var byPolicy = await (await Client.GetAsync($"/api/snapshots/{stream}")).JsonAsync();

        await none.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        var snapshot = await read.JsonAsync();
        Assert.Equal(2, snapshot.GetProperty("version").GetInt64());
        Assert.Equal(10, snapshot.GetProperty("state").GetProperty("balance").GetInt64());
        Assert.Equal(12, byPolicy.GetProperty("version").GetInt64());
        await (await Client.PostAsync($"/api/snapshots/order-{Http.NewId()}", null)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
