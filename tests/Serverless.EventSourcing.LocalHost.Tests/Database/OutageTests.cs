using System.Collections.Concurrent;
using Npgsql;
using Xunit.Abstractions;

namespace Serverless.EventSourcing.LocalHost.Tests.Database;

/// <summary>The local host on a PostgreSQL cluster of its own, which tests stop (as a crash would) and start again.</summary>
public sealed class OwnClusterHost : LocalHostFixture
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    protected override PostgresDatabase CreateDatabase() => PostgresDatabase.On(async () => _server ??= await PostgresServer.StartOwnAsync());

    // No Redis, so every read goes to PostgreSQL; a short wait for a connection while the server is away.
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Redis:ConnectionString"] = "",
        ["Postgres:ConnectionString"] = $"{Database.ConnectionString};Timeout=3",
    };

    /// <summary>A connection outside every pool, for looking at the tables after the server came back.</summary>
    public async Task<NpgsqlConnection> OpenUnpooledAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public class OutageTests(OwnClusterHost host, ITestOutputHelper output) : IClassFixture<OwnClusterHost>
{
    private const int Workers = 6;

    [Fact]
    public async Task While_postgres_is_down_reads_writes_and_ready_are_503_and_anonymous_callers_see_only_the_status()
    {
        // Given an account, and then the server gone
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        await host.Server.StopImmediatelyAsync();
        try
        {
            // When reads, writes and the readiness probe arrive
            var read = await host.Client.GetAsync($"/api/aggregates/account/{id}");
            var write = await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = 5, currency = "EUR" }));
            var append = await host.Client.PostAsync($"/api/streams/note-{Http.NewId()}/events", Http.Json(new { events = new[] { new { type = "noted", data = new { } } } }));
            var ready = await host.Client.GetAsync("/api/ready");
            using var anonymous = host.NewClient(withKey: false);
            var anonymousReady = await anonymous.GetAsync("/api/ready");

            // Then each is 503: the API ones as problems with Retry-After, the probe with the failing check named
            foreach (var response in new[] { read, write, append })
            {
                var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
                Assert.EndsWith(":service-unavailable", problem.GetProperty("type").GetString());
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var checks = (await ready.JsonAsync()).GetProperty("checks").EnumerateArray();
            Assert.Contains(checks, c => c.GetProperty("name").GetString() == "postgres" && !c.GetProperty("healthy").GetBoolean());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymousReady.StatusCode);
            var text = await anonymousReady.Content.ReadAsStringAsync();
            Assert.Equal("""{"status":"not_ready"}""", text);
        }
        finally
        {
            await host.Server.StartAgainAsync();
        }

        // And once the server is back the same host answers again, without a restart
        await EventuallyOkAsync(() => host.Client.GetAsync($"/api/aggregates/account/{id}"));
        await EventuallyOkAsync(() => host.Client.GetAsync("/api/ready"));
    }

    [Fact]
    public async Task A_crash_and_restart_under_command_load_gives_no_500s_and_every_success_is_stored_exactly_once()
    {
        // Given one account per worker (so workers never conflict), each deposit carrying a unique key as both its
        // Idempotency-Key and its correlation id
        var accounts = new List<string>();
        for (var i = 0; i < Workers; i++)
        {
            var id = Http.NewId();
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
            accounts.Add(id);
        }

        var attempts = new ConcurrentQueue<Attempt>();
        using var stop = new CancellationTokenSource();
        var load = Task.WhenAll(accounts.Select(account => Task.Run(() => DepositUntilStoppedAsync(account, attempts, stop.Token))));

        // When the server is killed mid-load, stays away a while, and comes back
        await Task.Delay(1500);
        await host.Server.StopImmediatelyAsync();
        var stoppedAt = DateTime.UtcNow;
        await Task.Delay(2500);
        await host.Server.StartAgainAsync();
        var restartedAt = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (accounts.Any(a => attempts.Count(t => t.Account == a && t.Status == 200 && t.At > restartedAt) < 3))
        {
            Assert.True(DateTime.UtcNow < deadline, "commands did not succeed again after the restart");
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await load;

        // Then no answer was anything but 200 or 503, and every 503 said when to come back
        var all = attempts.ToList();
        Assert.All(all, a => Assert.True(a.Status is 200 or 503, $"{a.Key} answered {a.Status}: {a.Body}"));
        Assert.All(all.Where(a => a.Status == 503), a => Assert.True(a.RetryAfter && a.Body.Contains(":service-unavailable", StringComparison.Ordinal), a.Body));
        Assert.Contains(all, a => a.Status == 503 && a.At > stoppedAt);
        Assert.Contains(all, a => a.Status == 200 && a.At < stoppedAt);

        // And every 200 is stored exactly once: its events, and nothing else, carry its key as correlation id
        await using var db = await host.OpenUnpooledAsync();
        foreach (var success in all.Where(a => a.Status == 200))
        {
            Assert.Equal(success.EventIds.Order(), (await EventIdsAsync(db, success.Key)).Order());
        }

        // And a 503 left nothing behind, unless its commit landed just as the server died and only the answer was
        // lost: then its key was recorded with it, and a retry with the same key replays the first result
        var lostAnswers = 0;
        foreach (var failure in all.Where(a => a.Status == 503))
        {
            var stored = await EventIdsAsync(db, failure.Key);
            var keyRecorded = await ScalarAsync<bool>(db, "select exists (select 1 from es_idempotency_keys where key = $1)", failure.Key);
            Assert.True(stored.Count == (keyRecorded ? 1 : 0), $"{failure.Key}: {stored.Count} events, key recorded: {keyRecorded}");
            lostAnswers += keyRecorded ? 1 : 0;

            var retry = await DepositAsync(failure.Account, failure.Key, failure.Amount);
            Assert.Equal(200, retry.Status);
            Assert.Equal(keyRecorded, retry.Replayed);
            Assert.Equal(retry.EventIds.Order(), (await EventIdsAsync(db, failure.Key)).Order());
        }

        // At most the requests in flight when the server died can have lost their answer: one per worker
        output.WriteLine($"{all.Count} deposits: {all.Count(a => a.Status == 200)} answered 200, {all.Count(a => a.Status == 503)} answered 503, {lostAnswers} of those committed");
        Assert.InRange(lostAnswers, 0, Workers);

        // And each account's balance is exactly the sum of its deposits, each counted once
        foreach (var account in accounts)
        {
            var expected = all.Where(a => a.Account == account).Sum(a => a.Amount);
            var state = await (await host.Client.GetAsync($"/api/aggregates/account/{account}")).JsonAsync();
            Assert.Equal(expected, state.GetProperty("state").GetProperty("balance").GetInt64());
        }
    }

    private async Task DepositUntilStoppedAsync(string account, ConcurrentQueue<Attempt> attempts, CancellationToken stop)
    {
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            var attempt = await DepositAsync(account, Guid.NewGuid().ToString(), n);
            attempts.Enqueue(attempt);
            if (attempt.Status != 200)
            {
                // A client backs off after a 503 (less than Retry-After asks, to keep the load on during the outage).
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private async Task<Attempt> DepositAsync(string account, string key, long amount)
    {
        try
        {
            var response = await host.Client.SendAsync(
                HttpMethod.Post, $"/api/aggregates/account/{account}/commands/deposit", new { amount, currency = "EUR" }, ("Idempotency-Key", key), ("x-correlation-id", key));
            var body = await response.Content.ReadAsStringAsync();
            var eventIds = response.StatusCode == HttpStatusCode.OK
                ? JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetGuid()).ToList()
                : [];
            return new Attempt(account, key, amount, (int)response.StatusCode, response.Headers.RetryAfter?.Delta is not null, response.Headers.Contains("Idempotent-Replayed"), eventIds, body, DateTime.UtcNow);
        }
        catch (HttpRequestException ex)
        {
            return new Attempt(account, key, amount, 0, false, false, [], ex.Message, DateTime.UtcNow);
        }
    }

    private static async Task<List<Guid>> EventIdsAsync(NpgsqlConnection db, string correlationId)
    {
        await using var command = new NpgsqlCommand("select event_id from es_events where correlation_id = $1", db) { Parameters = { new() { Value = correlationId } } };
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection db, string sql, object parameter)
    {
        await using var command = new NpgsqlCommand(sql, db) { Parameters = { new() { Value = parameter } } };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task EventuallyOkAsync(Func<Task<HttpResponseMessage>> request)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await request()).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the host did not recover after the server came back");
            await Task.Delay(200);
        }
    }

    private sealed record Attempt(string Account, string Key, long Amount, int Status, bool RetryAfter, bool Replayed, IReadOnlyList<Guid> EventIds, string Body, DateTime At);
}
