using Microsoft.Extensions.DependencyInjection;

namespace Serverless.EventSourcing.Functions.Tests.Contract;

/// <summary>
/// The API contract (design brief §5) as one table of cases. Each case runs against both hosts, the local host and
/// the Functions app's function classes, so they cannot drift apart.
/// </summary>
public static class ContractCases
{
    public static IReadOnlyDictionary<string, Func<Hosts.ApiHost, Task>> All { get; } = new Dictionary<string, Func<Hosts.ApiHost, Task>>
    {
        ["append is 201 with the version as ETag"] = async host =>
        {
            var response = await host.Client.PostAsync($"/api/streams/note-{Api.NewId()}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { n = 1 } } } }));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
            Assert.Equal(1, (await response.JsonAsync()).GetProperty("nextExpectedVersion").GetInt64());
        },
        ["read returns the events in order with the ETag"] = async host =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            await host.Client.AppendOneAsync(stream);
            var response = await host.Client.GetAsync($"/api/streams/{stream}/events");
            var body = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
            Assert.Equal([1, 2], body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("streamVersion").GetInt64()));
        },
        ["HEAD answers existence with the ETag and no body"] = async host =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            var found = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/streams/{stream}"));
            var missing = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/streams/note-{Api.NewId()}"));
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal("\"1\"", found.Headers.ETag?.Tag);
            Assert.Empty(await found.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        },
        ["a body expectedVersion conflict is 409 with currentVersion and writes nothing"] = async host =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            var response = await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { expectedVersion = 5, events = new[] { new { type = "noted", data = new { } } } }));
            Assert.Equal(1, (await response.ProblemAsync(HttpStatusCode.Conflict, "concurrency-conflict")).GetProperty("currentVersion").GetInt64());
            Assert.Equal("\"1\"", (await host.Client.GetAsync($"/api/streams/{stream}")).Headers.ETag?.Tag);
        },
        ["an archived stream reads the same through every route, reports its archived version, and takes appends after it"] = async host =>
        {
            var stream = $"{Hosts.ApiHost.ArchivedCategory}-{Api.NewId()}";
            var correlation = "arch-" + Api.NewId();
            for (var i = 0; i < 3; i++)
            {
                var events = Enumerable.Range(0, 10).Select(n => new { type = n % 2 == 0 ? "noted" : "counted", data = new { n = i * 10 + n + 1 } }).ToArray();
                Assert.Equal(HttpStatusCode.Created, (await host.Client.SendAsync(HttpMethod.Post, $"/api/streams/{stream}/events", new { events }, ("x-correlation-id", correlation))).StatusCode);
            }

            string[] routes =
            [
                $"/api/streams/{stream}/events",
                $"/api/streams/{stream}/events?fromVersion=7&limit=5",
                $"/api/streams/{stream}/events?direction=backward&limit=4",
                $"/api/events?category={Hosts.ApiHost.ArchivedCategory}&limit=7",
                $"/api/events?correlationId={correlation}&eventType=counted",
            ];
            async Task<List<string>> ReadAllAsync()
            {
                var bodies = new List<string>();
                foreach (var route in routes)
                {
                    var response = await host.Client.GetAsync(route);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    var body = await response.JsonAsync();
                    bodies.Add(body.GetProperty("events").GetRawText());
                }

                var replay = await host.Client.PostAsync("/api/replay", Api.Json(new { streamId = stream }));
                bodies.Add((await replay.JsonAsync()).GetProperty("events").GetRawText());
                return bodies;
            }

            var before = await ReadAllAsync();
            var run = await host.Services.GetRequiredService<Application.Jobs.MaintenanceJobs>().RunArchiveJobAsync(default);
            Assert.Equal("completed", run.Status);
            var info = await (await host.Client.GetAsync($"/api/streams/{stream}")).JsonAsync();
            Assert.Equal(30, info.GetProperty("archivedVersion").GetInt64());
            Assert.Equal(before, await ReadAllAsync());

            var next = await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { expectedVersion = 30, events = new[] { new { type = "noted", data = new { n = 31 } } } }));
            Assert.Equal(31, (await next.JsonAsync()).GetProperty("nextExpectedVersion").GetInt64());
            var all = await (await host.Client.GetAsync($"/api/streams/{stream}/events")).JsonAsync();
            Assert.Equal(Enumerable.Range(1, 31).Select(v => (long)v), all.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("streamVersion").GetInt64()));
        },
        ["a stream's retention policy hides old events at once, shows in its metadata, and bad or breaking policies change nothing"] = async host =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            for (var i = 0; i < 4; i++)
            {
                await host.Client.AppendOneAsync(stream);
            }

            var set = await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/{stream}/policy", new { maxCount = 2 });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            Assert.Equal(2, (await set.JsonAsync()).GetProperty("policy").GetProperty("maxCount").GetInt64());
            var read = await (await host.Client.GetAsync($"/api/streams/{stream}/events")).JsonAsync();
            Assert.Equal([4L, 5], read.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("streamVersion").GetInt64()));
            var info = await (await host.Client.GetAsync($"/api/streams/{stream}")).JsonAsync();
            Assert.Equal(2, info.GetProperty("effectivePolicy").GetProperty("maxCount").GetInt64());
            Assert.Equal(JsonValueKind.Null, info.GetProperty("policy").GetProperty("truncateBefore").ValueKind);
            Assert.Equal(0, info.GetProperty("archivedVersion").GetInt64());

            await (await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/{stream}/policy", new { maxCount = 0 })).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
            await (await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/{stream}/policy", new { maxCount = 3, keep = "all" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
            await (await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/{stream}/policy", new { maxAgeSeconds = "1 day" })).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
            await (await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/note-{Api.NewId()}/policy", new { maxCount = 3 })).ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(2, (await (await host.Client.GetAsync($"/api/streams/{stream}")).JsonAsync()).GetProperty("policy").GetProperty("maxCount").GetInt64());

            // The bank's projections follow accounts: a policy there would make their rebuilds differ.
            var account = await host.Client.OpenAccountAsync(deposit: 5);
            var refused = await (await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/account-{account}/policy", new { maxCount = 1 })).ProblemAsync(HttpStatusCode.Conflict, "retention-refused");
            Assert.Contains("balances", refused.GetProperty("projections").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal(JsonValueKind.Null, (await (await host.Client.GetAsync($"/api/streams/account-{account}")).JsonAsync()).GetProperty("policy").GetProperty("maxCount").ValueKind);
            Assert.Equal(2, (await (await host.Client.GetAsync($"/api/streams/account-{account}/events")).JsonAsync()).GetProperty("events").GetArrayLength());

            var cleared = await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/{stream}/policy", new { });
            Assert.Equal(JsonValueKind.Null, (await cleared.JsonAsync()).GetProperty("policy").GetProperty("maxCount").ValueKind);
            Assert.Equal(5, (await (await host.Client.GetAsync($"/api/streams/{stream}/events")).JsonAsync()).GetProperty("events").GetArrayLength());
        },
        ["a stale If-Match is 412 with currentVersion and writes nothing"] = async host =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            var response = await host.Client.SendAsync(HttpMethod.Post, $"/api/streams/{stream}/events", new { events = new[] { new { type = "noted", data = new { } } } }, ("If-Match", "\"3\""));
            Assert.Equal(1, (await response.ProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed")).GetProperty("currentVersion").GetInt64());
            Assert.Equal("\"1\"", (await host.Client.GetAsync($"/api/streams/{stream}")).Headers.ETag?.Tag);
        },
        ["a stale If-Match on a command is 412"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync(deposit: 10);
            var response = await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/withdraw", new { amount = 1, currency = "EUR" }, ("If-Match", "\"1\""));
            Assert.Equal(2, (await response.ProblemAsync(HttpStatusCode.PreconditionFailed)).GetProperty("currentVersion").GetInt64());
        },
        ["a multi-stream append commits every stream at once and a retry is an idempotent 200"] = async host =>
        {
            var (from, to) = ($"note-{Api.NewId()}", $"note-{Api.NewId()}");
            await host.Client.AppendOneAsync(from);
            var body = new
            {
                appends = new object[]
                {
                    new { streamId = from, expectedVersion = 1, events = new[] { new { eventId = Guid.NewGuid(), type = "noted", data = new { n = 2 } } } },
                    new { streamId = to, expectedVersion = "no_stream", events = new[] { new { eventId = Guid.NewGuid(), type = "noted", data = new { n = 1 } }, new { eventId = Guid.NewGuid(), type = "noted", data = new { n = 2 } } } },
                },
            };
            var response = await host.Client.PostAsync("/api/streams", Api.Json(body));
            var again = await host.Client.PostAsync("/api/streams", Api.Json(body));

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var appends = (await response.JsonAsync()).GetProperty("appends").EnumerateArray().ToList();
            Assert.Equal([(from, 2L), (to, 2L)], appends.Select(a => (a.GetProperty("streamId").GetString()!, a.GetProperty("nextExpectedVersion").GetInt64())));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.All((await again.JsonAsync()).GetProperty("appends").EnumerateArray(), a => Assert.True(a.GetProperty("duplicate").GetBoolean()));
            Assert.Equal("\"2\"", (await host.Client.GetAsync($"/api/streams/{from}")).Headers.ETag?.Tag);
            Assert.Equal("\"2\"", (await host.Client.GetAsync($"/api/streams/{to}")).Headers.ETag?.Tag);
        },
        ["a multi-stream append one stream refuses is 409 naming that stream and writes nothing"] = async host =>
        {
            var (fine, stale) = ($"note-{Api.NewId()}", $"note-{Api.NewId()}");
            await host.Client.AppendOneAsync(stale);
            await host.Client.AppendOneAsync(stale);
            var response = await host.Client.PostAsync("/api/streams", Api.Json(new
            {
                appends = new object[]
                {
                    new { streamId = fine, expectedVersion = "no_stream", events = new[] { new { type = "noted", data = new { } } } },
                    new { streamId = stale, expectedVersion = 1, events = new[] { new { type = "noted", data = new { } } } },
                },
            }));

            var problem = await response.ProblemAsync(HttpStatusCode.Conflict, "multi-stream-append-refused");
            var refusal = Assert.Single(problem.GetProperty("refusals").EnumerateArray());
            Assert.Equal((1, stale, 2L), (refusal.GetProperty("index").GetInt32(), refusal.GetProperty("streamId").GetString(), refusal.GetProperty("currentVersion").GetInt64()));
            Assert.EndsWith(":concurrency-conflict", refusal.GetProperty("type").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{fine}")).StatusCode);
            Assert.Equal("\"2\"", (await host.Client.GetAsync($"/api/streams/{stale}")).Headers.ETag?.Tag);
        },
        ["a malformed multi-stream append is 400 naming the field and writes nothing"] = async host =>
        {
            var stream = $"note-{Api.NewId()}";
            var cases = new (object Body, string Field)[]
            {
                (new { appends = Array.Empty<object>() }, "appends"),
                (new { appends = new object[] { new { events = new[] { new { type = "noted", data = new { } } } } } }, "appends[0].streamId"),
                (new { appends = new object[] { new { streamId = stream, events = new[] { new { type = "noted", data = new { } } } }, new { streamId = "not a stream", events = new[] { new { type = "noted", data = new { } } } } } }, "appends[1].streamId"),
                (new { appends = new object[] { new { streamId = stream, events = new[] { new { type = "noted", data = new { } } } }, new { streamId = stream, events = new[] { new { type = "noted", data = new { } } } } } }, "appends[1].streamId"),
                (new { appends = new object[] { new { streamId = stream, expectedVersion = true, events = new[] { new { type = "noted", data = new { } } } } } }, "appends[0].expectedVersion"),
                (new { appends = new object[] { new { streamId = stream, events = new[] { new { type = "noted", data = new { } } } }, new { streamId = $"{stream}b", expectedVersion = -5, events = new[] { new { type = "noted", data = new { } } } } } }, "appends[1].expectedVersion"),
                (new { appends = new object[] { new { streamId = stream, events = new[] { new { type = "noted" } } } } }, "appends[0].events[0].data"),
                (new { appends = new object[] { new { streamId = stream, events = new[] { new { type = "noted", data = new { } } }, extra = 1 } } }, "appends[0].extra"),
            };
            foreach (var (body, field) in cases)
            {
                var problem = await (await host.Client.PostAsync("/api/streams", Api.Json(body))).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
                Assert.Equal(field, problem.GetProperty("field").GetString());
            }

            var ifMatch = await host.Client.SendAsync(HttpMethod.Post, "/api/streams", new { appends = new object[] { new { streamId = stream, events = new[] { new { type = "noted", data = new { } } } } } }, ("If-Match", "\"1\""));
            Assert.Equal("If-Match", (await ifMatch.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{stream}")).StatusCode);
        },
        ["a raw append to an aggregate's stream takes only events it folds, and a refusal writes nothing"] = async host =>
        {
            // Before the check an unknown type was written, and every later load and command of the account was a 500.
            var account = await host.Client.OpenAccountAsync(deposit: 5);
            var note = $"note-{Api.NewId()}";
            var cases = new (string Path, object Body, string Field)[]
            {
                ($"/api/streams/account-{account}/events", new { events = new[] { new { type = "noted", data = new { } } } }, "events[0].type"),
                ($"/api/streams/account-{account}/events", new { events = new object[] { new { type = "MoneyDeposited", data = new { amount = 1, currency = "EUR" } }, new { type = "MoneyDeposited", data = new { amount = "lots", currency = "EUR" } } } }, "events[1].data"),
                ($"/api/streams/account-{account}/events", new { events = new[] { new { type = "MoneyDeposited", data = new { currency = "EUR" } } } }, "events[0].data"),
                ("/api/streams", new { appends = new object[] { new { streamId = note, events = new[] { new { type = "noted", data = new { } } } }, new { streamId = $"account-{account}", events = new[] { new { type = "noted", data = new { } } } } } }, "appends[1].events[0].type"),
            };
            foreach (var (path, body, field) in cases)
            {
                var problem = await (await host.Client.PostAsync(path, Api.Json(body))).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
                Assert.Equal(field, problem.GetProperty("field").GetString());
            }

            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{note}")).StatusCode);
            Assert.Equal("\"2\"", (await host.Client.GetAsync($"/api/streams/account-{account}")).Headers.ETag?.Tag);

            // An event the account folds is taken, and the account still loads and takes commands.
            var raw = await host.Client.PostAsync($"/api/streams/account-{account}/events", Api.Json(new { expectedVersion = 2, events = new[] { new { type = "MoneyDeposited", data = new { amount = 7, currency = "EUR" } } } }));
            Assert.Equal(HttpStatusCode.Created, raw.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{account}/commands/deposit", Api.Json(new { amount = 1, currency = "EUR" }))).StatusCode);
            var state = await (await host.Client.GetAsync($"/api/aggregates/account/{account}")).JsonAsync();
            Assert.Equal(4, state.GetProperty("version").GetInt64());
        },
        ["every problem names its request's path and correlation id, whether a handler answered it or threw it"] = async host =>
        {
            // Before, only thrown problems had them: a 404, 405, 409 or 422 a handler answered carried neither.
            var account = await host.Client.OpenAccountAsync();
            var requests = new (HttpMethod Method, string Path, object? Body, HttpStatusCode Status, string Type)[]
            {
                (HttpMethod.Get, "/api/no-such-route", null, HttpStatusCode.NotFound, "not-found"),
                (HttpMethod.Put, $"/api/streams/account-{account}/events", null, HttpStatusCode.MethodNotAllowed, "method-not-allowed"),
                (HttpMethod.Post, "/api/aggregates/no-such-type/1/commands/open", new { }, HttpStatusCode.NotFound, "not-found"),
                (HttpMethod.Get, $"/api/streams/note-{Api.NewId()}/events?limit=5", null, HttpStatusCode.NotFound, "not-found"),
                (HttpMethod.Post, $"/api/aggregates/account/{account}/commands/withdraw", new { amount = 100, currency = "EUR" }, HttpStatusCode.UnprocessableEntity, "rule-violation"),
                (HttpMethod.Post, $"/api/aggregates/account/{account}/commands/open", new { owner = "Ada", currency = "EUR" }, HttpStatusCode.UnprocessableEntity, "rule-violation"),
                (HttpMethod.Post, $"/api/aggregates/account/{account}/commands/deposit", new { amount = -1, currency = "EUR" }, HttpStatusCode.BadRequest, "invalid-input"),
            };
            for (var i = 0; i < requests.Length; i++)
            {
                var (method, path, body, status, type) = requests[i];
                var response = await host.Client.SendAsync(method, path, body, ("x-correlation-id", $"problem-case-{i}"));
                var problem = await response.ProblemAsync(status, type);
                Assert.Equal(path, problem.GetProperty("instance").GetString());
                Assert.Equal($"problem-case-{i}", problem.GetProperty("correlationId").GetString());
                Assert.Equal($"problem-case-{i}", response.Headers.GetValues("x-correlation-id").Single());
            }

            // A handler's headers survive: 405 still says what the route allows.
            var wrongMethod = await host.Client.SendAsync(HttpMethod.Put, $"/api/streams/account-{account}/events");
            Assert.Contains("POST", wrongMethod.Content.Headers.Allow);
        },
        ["re-appending the same event id is an idempotent 200"] = async host =>
        {
            var eventId = Guid.NewGuid();
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}", eventId);
            var again = await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { expectedVersion = 0, events = new[] { new { eventId, type = "noted", data = new { n = 1 } } } }));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.True((await again.JsonAsync()).GetProperty("duplicate").GetBoolean());
            Assert.Equal("\"1\"", (await host.Client.GetAsync($"/api/streams/{stream}")).Headers.ETag?.Tag);
        },
        ["a retried command with an Idempotency-Key is replayed"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync();
            var key = Guid.NewGuid().ToString();
            var first = await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 25, currency = "EUR" }, ("Idempotency-Key", key));
            var retry = await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 25, currency = "EUR" }, ("Idempotency-Key", key));
            Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
            var state = await (await host.Client.GetAsync($"/api/aggregates/account/{id}")).JsonAsync();
            Assert.Equal(25, state.GetProperty("state").GetProperty("balance").GetInt64());
        },
        ["a broken business rule is 422 with the rule code"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync(deposit: 10);
            var response = await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/withdraw", Api.Json(new { amount = 11, currency = "EUR" }));
            Assert.Equal("insufficient_funds", (await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "rule-violation")).GetProperty("ruleCode").GetString());
        },
        ["aggregate state carries the version as ETag"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync(deposit: 10);
            var response = await host.Client.GetAsync($"/api/aggregates/account/{id}");
            Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
            Assert.Equal(10, (await response.JsonAsync()).GetProperty("state").GetProperty("balance").GetInt64());
        },
        ["unknown aggregate types, commands and streams are 404 problems"] = async host =>
        {
            await (await host.Client.PostAsync($"/api/aggregates/rocket/{Api.NewId()}/commands/launch", Api.Json(new { }))).ProblemAsync(HttpStatusCode.NotFound, "not-found");
            await (await host.Client.PostAsync($"/api/aggregates/account/{Api.NewId()}/commands/teleport", Api.Json(new { }))).ProblemAsync(HttpStatusCode.NotFound);
            await (await host.Client.GetAsync($"/api/streams/note-{Api.NewId()}/events")).ProblemAsync(HttpStatusCode.NotFound);
        },
        ["an unknown route is a 404 problem"] = async host =>
            await (await host.Client.GetAsync("/api/no/such/route")).ProblemAsync(HttpStatusCode.NotFound, "not-found"),
        ["a wrong method is a 405 problem with Allow"] = async host =>
        {
            var response = await host.Client.DeleteAsync("/api/events");
            await response.ProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
            Assert.Equal("GET", response.Content.Headers.Allow.Single());
        },
        ["a body over the limit is 413"] = async host =>
        {
            var big = new string('x', Hosts.ApiHost.MaxBodyBytes + 1);
            var response = await host.Client.PostAsync($"/api/streams/note-{Api.NewId()}/events", Api.Json(new { events = new[] { new { type = "noted", data = new { big } } } }));
            await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        },
        ["malformed JSON is 400 naming the field"] = async host =>
        {
            var response = await host.Client.PostRawAsync($"/api/streams/note-{Api.NewId()}/events", "{\"events\": [");
            Assert.Equal("body", (await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString());
        },
        ["a body not declared as JSON is 415 and writes nothing"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync();
            var response = await host.Client.PostRawAsync($"/api/aggregates/account/{id}/commands/deposit", """{"amount":10,"currency":"EUR"}""", "text/plain");
            await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
            Assert.Equal("\"1\"", (await host.Client.GetAsync($"/api/streams/account-{id}")).Headers.ETag?.Tag);
        },
        ["a number sent as a string or an unknown command field is 400 naming the field"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync();
            var asString = await host.Client.PostRawAsync($"/api/aggregates/account/{id}/commands/deposit", """{"amount":"10","currency":"EUR"}""");
            var unknown = await host.Client.PostRawAsync($"/api/aggregates/account/{id}/commands/deposit", """{"amount":10,"currency":"EUR","memo":"x"}""");
            Assert.Equal("amount", (await asString.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString());
            Assert.Equal("memo", (await unknown.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString());
        },
        ["an empty If-Match is 400"] = async host =>
        {
            var id = await host.Client.OpenAccountAsync();
            var response = await host.Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 1, currency = "EUR" }, ("If-Match", ""));
            Assert.Equal("If-Match", (await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString());
        },
        ["a NUL in a command field is 400 naming the field"] = async host =>
        {
            var response = await host.Client.PostRawAsync($"/api/aggregates/account/{Api.NewId()}/commands/open", """{"owner":"\u0000x","currency":"EUR"}""");
            Assert.Equal("owner", (await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString());
        },
        ["without the key every route but the probes is 401, unknown ones included"] = async host =>
        {
            using var anonymous = host.NewClientWithoutKey();
            await (await anonymous.GetAsync($"/api/streams/note-{Api.NewId()}")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            await (await anonymous.GetAsync("/api/no/such/route")).ProblemAsync(HttpStatusCode.Unauthorized);
            await (await anonymous.DeleteAsync("/api/events")).ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/health")).StatusCode);
        },
        ["fromVersion 0 is the start on every route that takes it; a negative version or position is 400"] = async host =>
        {
            var stream = $"note-{Api.NewId()}";
            await host.Client.AppendOneAsync(stream);
            await host.Client.AppendOneAsync(stream);
            var read = await (await host.Client.GetAsync($"/api/streams/{stream}/events?fromVersion=0")).JsonAsync();
            Assert.Equal([1, 2], read.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("streamVersion").GetInt64()));
            var replay = await (await host.Client.PostAsync("/api/replay", Api.Json(new { streamId = stream, fromVersion = 0 }))).JsonAsync();
            Assert.Equal([1, 2], replay.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("streamVersion").GetInt64()));
            var (live, _) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=0");
            await using (live)
            {
                Assert.Equal(["1", "2"], (await live!.ReadEventsAsync(2, TimeSpan.FromSeconds(30))).Select(m => m.Id));
            }

            Assert.Equal("fromVersion", (await (await host.Client.GetAsync($"/api/streams/{stream}/events?fromVersion=-1")).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString());
            foreach (var (body, field) in new (object, string)[] { (new { fromVersion = -1 }, "fromVersion"), (new { toVersion = -1 }, "toVersion"), (new { afterPosition = -1 }, "afterPosition"), (new { fromVersion = 3, toVersion = 2 }, "fromVersion") })
            {
                Assert.Equal(field, (await (await host.Client.PostAsync("/api/replay", Api.Json(body))).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString());
            }
        },
        ["a replay whose time range is reversed is 400 naming the body's own field"] = async host =>
        {
            // The store's check named the query route's "to", a field this body does not have.
            var problem = await (await host.Client.PostAsync("/api/replay", Api.Json(new { fromTimestamp = "2026-12-02T00:00:00Z", toTimestamp = "2026-12-01T00:00:00Z" }))).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
            Assert.Equal("toTimestamp", problem.GetProperty("field").GetString());
        },
        ["an empty list of event types is 400 naming it, in a replay body and in a log query"] = async host =>
        {
            // Both read the whole log before: an empty filter was taken for no filter.
            var problem = await (await host.Client.PostAsync("/api/replay", Api.Json(new { eventTypes = Array.Empty<string>() }))).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
            Assert.Equal("eventTypes", problem.GetProperty("field").GetString());
            problem = await (await host.Client.GetAsync("/api/events?eventType=,")).ProblemAsync(HttpStatusCode.BadRequest, "invalid-input");
            Assert.Equal("eventType", problem.GetProperty("field").GetString());
        },
        ["the correlation id is echoed"] = async host =>
        {
            var response = await host.Client.SendAsync(HttpMethod.Get, "/api/health", null, ("x-correlation-id", "contract-1"));
            Assert.Equal("contract-1", response.Headers.GetValues("x-correlation-id").Single());
        },
        ["the OpenAPI document has an operation per aggregate command, typed by its command"] = async host =>
        {
            using var anonymous = host.NewClientWithoutKey();
            var document = await (await anonymous.GetAsync("/api/openapi.json")).JsonAsync();
            var deposit = document.GetProperty("paths").GetProperty("/api/aggregates/account/{id}/commands/deposit").GetProperty("post");
            Assert.Equal("AccountDeposit", deposit.GetProperty("operationId").GetString());
            Assert.Equal("#/components/schemas/AccountDepositCommand", deposit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
            Assert.Equal("#/components/responses/PreconditionFailed", deposit.GetProperty("responses").GetProperty("412").GetProperty("$ref").GetString());
        },
    };

    public static TheoryData<string> Names => new(All.Keys);
}
