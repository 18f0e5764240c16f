using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Durable;
using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>
/// Who may touch which stream (the bank's ownership rule), what the server records of who wrote an event, what reads
/// across categories return, and the audit trail of operator actions, over HTTP against both hosts.
/// </summary>
public static class TrustCases
{
    public static IReadOnlyDictionary<string, Func<ApiHost, Task>> All { get; } = new Dictionary<string, Func<ApiHost, Task>>
    {
        ["a customer acts on the accounts it owns; another's account is not found, and nothing changes"] = async host =>
        {
            var (alice, bob) = (Customer(host, "alice"), Customer(host, "bob"));
            var id = await OpenAsync(alice, "alice");
            Assert.Equal(HttpStatusCode.OK, (await Deposit(alice, id, 50)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/aggregates/account/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/streams/account-{id}/events")).StatusCode);

            // Bob gets what he would get for an account that does not exist: reads, commands, read models alike
            await (await bob.GetAsync($"/api/aggregates/account/{id}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await bob.GetAsync($"/api/streams/account-{id}/events")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await bob.GetAsync($"/api/read/accounts/{id}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await bob.PostAsync($"/api/aggregates/account/{id}/commands/withdraw", Api.Json(new { amount = 50, currency = "EUR" }))).ProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await bob.PostAsync($"/api/aggregates/account/{Api.NewId()}/commands/open", Api.Json(new { owner = "Bob", currency = "EUR", ownerId = "alice" }))).ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(50, await BalanceAsync(host, id));

            // Neither may read what spans every account
            await (await alice.GetAsync("/api/read/daily-totals")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        },
        ["a teller acts on any account; an auditor reads everything and writes nothing"] = async host =>
        {
            var id = await OpenAsync(Customer(host, "carol"), "carol");
            using var teller = host.TokenClient("teller-7", "teller");
            using var auditor = host.TokenClient("auditor-7", "auditor");
            Assert.Equal(HttpStatusCode.OK, (await Deposit(teller, id, 20)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/aggregates/account/{id}")).StatusCode);
            var refused = await (await Deposit(auditor, id, 20)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("execute", refused.GetProperty("permission").GetString());
            Assert.Equal(20, await BalanceAsync(host, id));
        },
        ["a customer transfers only from its own account, and sees only its own transfers"] = async host =>
        {
            var (dave, erin) = (Customer(host, "dave"), Customer(host, "erin"));
            var daves = await OpenAsync(dave, "dave");
            var erins = await OpenAsync(erin, "erin");
            Assert.Equal(HttpStatusCode.OK, (await Deposit(host.Client, daves, 100)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Deposit(host.Client, erins, 100)).StatusCode);

            var started = await dave.PostAsync("/api/sagas/transfer", Api.Json(new { fromAccount = daves, toAccount = erins, amount = 10, currency = "EUR" }));
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var saga = (await started.JsonAsync()).GetProperty("sagaId").GetString();
            await (await dave.PostAsync("/api/sagas/transfer", Api.Json(new { fromAccount = erins, toAccount = daves, amount = 10, currency = "EUR" }))).ProblemAsync(HttpStatusCode.NotFound);

            Assert.Equal(HttpStatusCode.OK, (await dave.GetAsync($"/api/sagas/transfer/{saga}")).StatusCode);
            await (await erin.GetAsync($"/api/sagas/transfer/{saga}")).ProblemAsync(HttpStatusCode.NotFound);
        },
        ["the server records the principal in every event; x-user-id is refused unless the principal may act for others"] = async host =>
        {
            using var alice = Customer(host, "frank");
            var id = await OpenAsync(alice, "frank");
            var forged = await alice.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 5, currency = "EUR" }, ("x-user-id", "mallory"));
            Assert.Equal("act-as", (await forged.ProblemAsync(HttpStatusCode.Forbidden, "forbidden")).GetProperty("permission").GetString());
            Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 5, currency = "EUR" }, ("x-user-id", "teller-desk-4"))).StatusCode);

            var events = (await (await host.Client.GetAsync($"/api/streams/account-{id}/events")).JsonAsync()).GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(2, events.Count);
            var opened = events[0].GetProperty("metadata");
            Assert.Equal($"{host.Issuer.Issuer}|frank", opened.GetProperty("principal").GetProperty("id").GetString());
            Assert.Equal("token", opened.GetProperty("principal").GetProperty("kind").GetString());
            Assert.Equal("frank", opened.GetProperty("userId").GetString());
            var deposited = events[1].GetProperty("metadata");
            Assert.Equal("key:api-key", deposited.GetProperty("principal").GetProperty("id").GetString());
            Assert.Equal("teller-desk-4", deposited.GetProperty("userId").GetString());
        },
        ["a raw append cannot name its own principal or, without act-as, another user"] = async host =>
        {
            using var writer = host.TokenClient("writer-9", "writer");
            var stream = $"note-{Api.NewId()}";
            var principal = await writer.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { }, metadata = new { principal = new { id = "key:api-key" } } } } }));
            Assert.Equal("events[0].metadata.principal", (await principal.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString());
            var user = await writer.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { }, metadata = new { userId = "someone-else" } } } }));
            await user.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{stream}")).StatusCode);

            Assert.Equal(HttpStatusCode.Created, (await writer.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { } } } }))).StatusCode);
            var metadata = (await (await host.Client.GetAsync($"/api/streams/{stream}/events")).JsonAsync()).GetProperty("events")[0].GetProperty("metadata");
            Assert.Equal($"{host.Issuer.Issuer}|writer-9", metadata.GetProperty("principal").GetProperty("id").GetString());
        },
        ["a multi-stream append needs write on every stream it names, and one refused stream writes nothing"] = async host =>
        {
            using var appender = host.TokenClient("appender-2", "appender");
            var (note, other) = ($"note-{Api.NewId()}", $"ledger-{Api.NewId()}");
            var refused = await appender.PostAsync("/api/streams", Api.Json(new
            {
                appends = new object[]
                {
                    new { streamId = note, events = new[] { new { type = "noted", data = new { } } } },
                    new { streamId = other, events = new[] { new { type = "noted", data = new { } } } },
                },
            }));
            var problem = await refused.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(("write", "ledger"), (problem.GetProperty("permission").GetString(), problem.GetProperty("category").GetString()));
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{note}")).StatusCode);

            var user = await appender.PostAsync("/api/streams", Api.Json(new { appends = new[] { new { streamId = note, events = new[] { new { type = "noted", data = new { }, metadata = new { userId = "someone-else" } } } } } }));
            await user.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(HttpStatusCode.Created, (await appender.PostAsync("/api/streams", Api.Json(new { appends = new[] { new { streamId = note, events = new[] { new { type = "noted", data = new { } } } } } }))).StatusCode);
            var metadata = (await (await host.Client.GetAsync($"/api/streams/{note}/events")).JsonAsync()).GetProperty("events")[0].GetProperty("metadata");
            Assert.Equal($"{host.Issuer.Issuer}|appender-2", metadata.GetProperty("principal").GetProperty("id").GetString());
        },
        ["reads across categories return only what the caller may see, and a filter cannot widen it"] = async host =>
        {
            var note = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            await host.Client.OpenAccountAsync();
            using var appender = host.TokenClient("appender-1", "appender");

            var page = await (await appender.GetAsync("/api/events?limit=1000")).JsonAsync();
            var categories = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("category").GetString()).Distinct().ToList();
            Assert.Equal(["note"], categories);
            await (await appender.GetAsync("/api/events?category=account")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await appender.PostAsync("/api/replay", Api.Json(new { category = "account" }))).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            var replayed = await (await appender.PostAsync("/api/replay", Api.Json(new { eventTypes = new[] { "AccountOpened", "noted" }, limit = 1000 }))).JsonAsync();
            Assert.All(replayed.GetProperty("events").EnumerateArray(), e => Assert.Equal("note", e.GetProperty("category").GetString()));
            await (await appender.GetAsync("/api/streams/audit-log/events")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

            // The live feed of the log: an account event and a note event are appended, only the note arrives.
            var (live, _) = await SseClient.OpenAsync(appender, "/api/events/live");
            await using (live)
            {
                await host.Client.OpenAccountAsync();
                await host.Client.AppendOneAsync(note);
                var received = await live!.ReadEventsAsync(1, TimeSpan.FromSeconds(30));
                Assert.Equal(note, received.Single().Json.GetProperty("streamId").GetString());
            }
        },
        ["a grant limited to event types shows only those events, and no aggregate state"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync(deposit: 10);
            using var watcher = host.TokenClient("watch-1", "depositwatch");
            var events = (await (await watcher.GetAsync($"/api/streams/account-{id}/events")).JsonAsync()).GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(["MoneyDeposited"], events.Select(e => e.GetProperty("type").GetString()));
            await (await watcher.GetAsync($"/api/aggregates/account/{id}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            var logged = (await (await watcher.GetAsync("/api/events?category=account&limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray();
            Assert.All(logged, e => Assert.Equal("MoneyDeposited", e.GetProperty("type").GetString()));
        },
        ["operator actions, refused ones too, are recorded in the audit trail, which only the server writes"] = async host =>
        {
            using var ops = host.KeyClient("ops");
            using var reader = host.TokenClient("reader-3", "reader");
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            var id = await host.Client.OpenAccountAsync();
            await (await reader.DeleteAsync($"/api/streams/{stream}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(HttpStatusCode.OK, (await ops.DeleteAsync($"/api/streams/{stream}")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await ops.PostAsync($"/api/snapshots/account-{id}", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("/api/projections/balances/parked/424242/skip", Api.Json(new { reason = "bad data" }))).StatusCode);

            var audit = await Store.AuditAsync(host);
            JsonElement Record(string action, string outcome) => audit.Select(e => e.GetProperty("data")).Last(d =>
                d.GetProperty("action").GetString() == action && d.GetProperty("outcome").GetString() == outcome
                && (!d.GetProperty("target").TryGetProperty("streamId", out var s) || s.GetString() == stream || s.GetString() == $"account-{id}" || action == "SkipParkedEvent"));
            var denied = Record("DeleteStream", "denied");
            Assert.Equal($"{host.Issuer.Issuer}|reader-3", denied.GetProperty("by").GetProperty("id").GetString());
            Assert.Equal(403, denied.GetProperty("status").GetInt32());
            Assert.Equal("key:ops", Record("DeleteStream", "succeeded").GetProperty("by").GetProperty("id").GetString());
            Assert.Equal($"account-{id}", Record("TakeSnapshot", "succeeded").GetProperty("target").GetProperty("streamId").GetString());
            Assert.Equal("bad data", Record("SkipParkedEvent", "not-found").GetProperty("detail").GetProperty("reason").GetString());
            Assert.All(audit, e => Assert.Equal("OperatorActionRecorded", e.GetProperty("type").GetString()));

            // Nobody appends to it or deletes it, not even with every role
            await (await host.Client.PostAsync("/api/streams/audit-log/events", Api.Json(new { events = new[] { new { type = "OperatorActionRecorded", data = new { } } } }))).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await host.Client.DeleteAsync("/api/streams/audit-log")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(audit.Count + 1, (await Store.AuditAsync(host)).Count); // the refused delete is itself recorded
        },
        ["what one principal wrote is found by principal; another's needs the audit permission"] = async host =>
        {
            using var grace = Customer(host, "grace");
            var id = await OpenAsync(grace, "grace");
            await Deposit(grace, id, 3);
            var principal = Uri.EscapeDataString($"{host.Issuer.Issuer}|grace");
            using var auditor = host.KeyClient("audit");
            var found = (await (await auditor.GetAsync($"/api/events?principal={principal}")).JsonAsync()).GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(["AccountOpened", "MoneyDeposited"], found.Select(e => e.GetProperty("type").GetString()));
            Assert.All(found, e => Assert.Equal($"account-{id}", e.GetProperty("streamId").GetString()));

            using var reader = host.TokenClient("reader-4", "reader");
            await (await reader.GetAsync($"/api/events?principal={principal}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        },
        ["personal values show in plain only to principals with the personal permission, on what it reaches"] = async host =>
        {
            const string owner = "Ida Private";
            using var self = host.TokenClient("ida", "selfservice");
            var id = Api.NewId();
            Assert.Equal(HttpStatusCode.OK, (await self.PostAsync($"/api/aggregates/account/{id}/commands/open", Api.Json(new { owner, currency = "EUR", ownerId = "ida" }))).StatusCode);
            async Task<string?> OwnerAsync(HttpClient client) =>
                (await (await client.GetAsync($"/api/aggregates/account/{id}")).JsonAsync()).GetProperty("state").GetProperty("owner").GetString();

            using var privacy = host.TokenClient("dpo-1", "privacy");
            using var reader = host.TokenClient("reader-9", "reader");
            Assert.Equal(owner, await OwnerAsync(self));       // personal on its own account
            Assert.Equal(owner, await OwnerAsync(privacy));    // personal everywhere
            Assert.Equal(owner, await OwnerAsync(host.Client)); // the legacy key: every permission
            Assert.Equal("[personal]", await OwnerAsync(reader));

            // Reads across streams and the live feed redact for a reader too; the stored value is never the plain one
            var logged = (await (await reader.GetAsync($"/api/events?category=account&limit=1000")).JsonAsync()).GetProperty("events").EnumerateArray()
                .Single(e => e.GetProperty("streamId").GetString() == $"account-{id}");
            Assert.Equal("[personal]", logged.GetProperty("data").GetProperty("owner").GetString());
            var (live, _) = await SseClient.OpenAsync(reader, $"/api/streams/account-{id}/live?fromVersion=1");
            await using (live)
            {
                Assert.Equal("[personal]", (await live!.ReadEventsAsync(1, TimeSpan.FromSeconds(30))).Single().Json.GetProperty("data").GetProperty("owner").GetString());
            }

            await using var connection = new Npgsql.NpgsqlConnection(host.Database.ConnectionString);
            await connection.OpenAsync();
            await using var stored = new Npgsql.NpgsqlCommand("select data::text from es_events where stream_id = $1", connection) { Parameters = { new() { Value = $"account-{id}" } } };
            Assert.DoesNotContain(owner, (string)(await stored.ExecuteScalarAsync())!, StringComparison.Ordinal);
        },
        ["without a credential the probes answer, and ready tells no more than the status"] = async host =>
        {
            using var anonymous = host.NewClientWithoutKey();
            var ready = await (await anonymous.GetAsync("/api/ready")).JsonAsync();
            Assert.Equal(["status"], ready.EnumerateObject().Select(p => p.Name));
            var detailed = await (await host.KeyClient("ops").GetAsync("/api/ready")).JsonAsync();
            Assert.Equal("keys+tokens", detailed.GetProperty("authentication").GetString());
            Assert.Contains(detailed.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "token-issuer" && c.GetProperty("healthy").GetBoolean());
        },
    };

    public static TheoryData<string> Names => new(All.Keys);

    private static HttpClient Customer(ApiHost host, string subject) => host.TokenClient(subject, "customer");

    private static async Task<string> OpenAsync(HttpClient client, string ownerId)
    {
        var id = Api.NewId();
        var response = await client.PostAsync($"/api/aggregates/account/{id}/commands/open", Api.Json(new { owner = "A. Customer", currency = "EUR", ownerId }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    private static Task<HttpResponseMessage> Deposit(HttpClient client, string id, long amount) =>
        client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Api.Json(new { amount, currency = "EUR" }));

    private static async Task<long> BalanceAsync(ApiHost host, string id) =>
        (await (await host.Client.GetAsync($"/api/aggregates/account/{id}")).JsonAsync()).GetProperty("state").GetProperty("balance").GetInt64();
}

public sealed class LocalHostTrustTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Theory]
    [MemberData(nameof(TrustCases.Names), MemberType = typeof(TrustCases))]
    public Task Holds(string name) => TrustCases.All[name](host);
}

public sealed class FunctionsAppTrustTests(DurableAppHost host) : IClassFixture<DurableAppHost>
{
    [Theory]
    [MemberData(nameof(TrustCases.Names), MemberType = typeof(TrustCases))]
    public Task Holds(string name) => TrustCases.All[name](host);
}
