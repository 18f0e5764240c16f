using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>
/// Every route of the table × {no credential, a wrong key, a bad token, a principal without the permission, a principal
/// with it}: the status each gets, and nothing written on a refusal. Runs against both hosts.
/// </summary>
public static class AuthorizationCases
{
    /// <summary>How to set up a real request for each route, and what a caller with the permission gets.</summary>
    private static readonly Dictionary<string, Func<ApiHost, Task<(Request Request, HttpStatusCode[] Ok)>>> Routes = new()
    {
        ["AppendEvents"] = _ => Ok(new Request(HttpMethod.Post, $"/api/streams/note-{Api.NewId()}/events", new { events = new[] { new { type = "noted", data = new { n = 1 } } } }), HttpStatusCode.Created),
        ["AppendStreams"] = _ => Ok(new Request(HttpMethod.Post, "/api/streams", new { appends = new[] { new { streamId = $"note-{Api.NewId()}", events = new[] { new { type = "noted", data = new { n = 1 } } } } } }), HttpStatusCode.Created),
        ["ReadStreamEvents"] = async h => Case(new Request(HttpMethod.Get, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}/events"), HttpStatusCode.OK),
        ["GetStream"] = async h => Case(new Request(HttpMethod.Get, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}"), HttpStatusCode.OK),
        ["StreamExists"] = async h => Case(new Request(HttpMethod.Head, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}"), HttpStatusCode.OK),
        ["GetStreamVersion"] = async h => Case(new Request(HttpMethod.Get, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}/version"), HttpStatusCode.OK),
        ["DeleteStream"] = async h => Case(new Request(HttpMethod.Delete, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}"), HttpStatusCode.OK),
        ["SetStreamPolicy"] = async h => Case(new Request(HttpMethod.Put, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}/policy", new { maxCount = 5 }), HttpStatusCode.OK),
        ["SubscribeStream"] = async h => Case(new Request(HttpMethod.Get, $"/api/streams/{await h.Client.AppendOneAsync($"note-{Api.NewId()}")}/live?fromVersion=1", EventStream: true), HttpStatusCode.OK),
        ["SubscribeEvents"] = _ => Ok(new Request(HttpMethod.Get, "/api/events/live", EventStream: true), HttpStatusCode.OK),
        // A plain GET of a WebSocket route, once let in: 426 on the local host (upgrade required), 400 on the Functions
        // app (no WebSocket there); the upgrade itself is the live transport table's (LiveTransportCases).
        ["SubscribeStreamSocket"] = h => Ok(new Request(HttpMethod.Get, $"/api/streams/note-{Api.NewId()}/live/ws?fromVersion=1"), SocketRefusal(h)),
        ["SubscribeEventsSocket"] = h => Ok(new Request(HttpMethod.Get, "/api/events/live/ws"), SocketRefusal(h)),
        ["QueryEvents"] = _ => Ok(new Request(HttpMethod.Get, "/api/events?category=note"), HttpStatusCode.OK),
        ["Replay"] = _ => Ok(new Request(HttpMethod.Post, "/api/replay", new { category = "note" }), HttpStatusCode.OK),
        ["ExecuteCommand"] = async h => Case(new Request(HttpMethod.Post, $"/api/aggregates/account/{await h.Client.OpenAccountAsync()}/commands/deposit", new { amount = 5, currency = "EUR" }), HttpStatusCode.OK),
        ["GetAggregate"] = async h => Case(new Request(HttpMethod.Get, $"/api/aggregates/account/{await h.Client.OpenAccountAsync()}"), HttpStatusCode.OK),
        ["GetSnapshot"] = async h =>
        {
            var id = await h.Client.OpenAccountAsync();
            Assert.Equal(HttpStatusCode.Created, (await h.Client.PostAsync($"/api/snapshots/account-{id}", null)).StatusCode);
            return (new Request(HttpMethod.Get, $"/api/snapshots/account-{id}"), [HttpStatusCode.OK]);
        },
        ["TakeSnapshot"] = async h => Case(new Request(HttpMethod.Post, $"/api/snapshots/account-{await h.Client.OpenAccountAsync()}"), HttpStatusCode.Created),
        ["ListProjections"] = _ => Ok(new Request(HttpMethod.Get, "/api/projections"), HttpStatusCode.OK),
        ["GetProjection"] = _ => Ok(new Request(HttpMethod.Get, "/api/projections/balances"), HttpStatusCode.OK),
        // A second rebuild while the first runs is 409: both are answers of a caller who was let in.
        ["RebuildProjection"] = _ => Ok(new Request(HttpMethod.Post, "/api/projections/daily-totals/rebuild"), HttpStatusCode.Accepted, HttpStatusCode.Conflict),
        ["ListParkedEvents"] = _ => Ok(new Request(HttpMethod.Get, "/api/projections/balances/parked"), HttpStatusCode.OK),
        ["RetryParkedEvent"] = _ => Ok(new Request(HttpMethod.Post, "/api/projections/balances/parked/987654/retry"), HttpStatusCode.NotFound),
        ["SkipParkedEvent"] = _ => Ok(new Request(HttpMethod.Post, "/api/projections/balances/parked/987654/skip", new { reason = "test" }), HttpStatusCode.NotFound),
        ["ReadModel"] = _ => Ok(new Request(HttpMethod.Get, "/api/read/daily-totals"), HttpStatusCode.OK),
        ["StartSaga"] = async h =>
        {
            var from = await h.Client.OpenAccountAsync(deposit: 100);
            var to = await h.Client.OpenAccountAsync();
            return (new Request(HttpMethod.Post, "/api/sagas/transfer", new { fromAccount = from, toAccount = to, amount = 1, currency = "EUR" }), [HttpStatusCode.Accepted]);
        },
        ["GetSaga"] = _ => Ok(new Request(HttpMethod.Get, $"/api/sagas/transfer/{Guid.NewGuid()}"), HttpStatusCode.NotFound),
        ["GetSubject"] = async h =>
        {
            var id = await h.Client.OpenAccountAsync();
            return Case(new Request(HttpMethod.Get, $"/api/subjects/account-{id}"), HttpStatusCode.OK);
        },
        ["EraseSubject"] = async h => Case(new Request(HttpMethod.Delete, $"/api/subjects/account-{await h.Client.OpenAccountAsync()}"), HttpStatusCode.OK),
        ["RewrapSubjectKeys"] = _ => Ok(new Request(HttpMethod.Post, "/api/subjects/rewrap"), HttpStatusCode.OK),
        ["Health"] = _ => Ok(new Request(HttpMethod.Get, "/api/health"), HttpStatusCode.OK),
        ["Ready"] = _ => Ok(new Request(HttpMethod.Get, "/api/ready"), HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable),
        ["Stats"] = _ => Ok(new Request(HttpMethod.Get, "/api/stats"), HttpStatusCode.OK),
        ["OpenApi"] = _ => Ok(new Request(HttpMethod.Get, "/api/openapi.json"), HttpStatusCode.OK),
        ["NoMatchingRoute"] = _ => Ok(new Request(HttpMethod.Get, "/api/no/such/route"), HttpStatusCode.NotFound),
    };

    public static TheoryData<string> Names
    {
        get
        {
            var routes = ApiRoutes.All.Append(ApiRoutes.Fallback).Select(r => r.Name).ToList();
            // The table covers every route, so a new route cannot arrive without its authorization case.
            Assert.Equal(routes.Order(), Routes.Keys.Order());
            return new TheoryData<string>(routes);
        }
    }

    public static async Task RunAsync(ApiHost host, string routeName)
    {
        var route = ApiRoutes.All.Append(ApiRoutes.Fallback).Single(r => r.Name == routeName);
        var (request, ok) = await Routes[routeName](host);

        // The right credential: a principal holding the route's permission (a token, or for operators a named key).
        using var right = RightClient(host, route.Permission);
        using var without = route.Permission is { } needed ? LackingClient(host, needed) : null;
        using var none = host.NewClientWithoutKey();
        using var wrongKey = host.NewClientWithoutKey();
        wrongKey.DefaultRequestHeaders.Add("x-functions-key", "not-" + ApiHost.Key);
        using var badToken = host.BearerClient(host.Issuer.Token("mallory", ["admin"], signingCredentials: new(OidcIssuer.UnpublishedKey(host.Issuer.SigningKey.KeyId), "RS256")));

        foreach (var (label, client, expected) in new (string, HttpClient?, HttpStatusCode[]?)[]
        {
            ("no credential", none, route.Anonymous ? null : [HttpStatusCode.Unauthorized]),
            ("a wrong key", wrongKey, route.Anonymous ? null : [HttpStatusCode.Unauthorized]),
            ("a token signed with another key", badToken, route.Anonymous ? null : [HttpStatusCode.Unauthorized]),
            ("a principal without the permission", without, [HttpStatusCode.Forbidden]),
        })
        {
            if (client is null)
            {
                continue;
            }

            var before = await Store.FingerprintAsync(host);
            using var response = await request.SendAsync(client);
            if (expected is null)
            {
                // Probes answer whoever asks, whatever credential came with the request.
                Assert.Contains(response.StatusCode, ok);
                continue;
            }

            Assert.True(expected.Contains(response.StatusCode), $"{routeName} with {label}: expected {string.Join("/", expected)}, got {(int)response.StatusCode}");
            if (request.Method != HttpMethod.Head)
            {
                var problem = await response.ProblemAsync(response.StatusCode, response.StatusCode == HttpStatusCode.Forbidden ? "forbidden" : "unauthorized");
                if (response.StatusCode == HttpStatusCode.Forbidden)
                {
                    Assert.Equal(route.Permission!.Value.Name(), problem.GetProperty("permission").GetString());
                }
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.NotEmpty(response.Headers.WwwAuthenticate);
            }

            Assert.Equal(before, await Store.FingerprintAsync(host));
        }

        using var allowed = await request.SendAsync(right);
        Assert.True(ok.Contains(allowed.StatusCode), $"{routeName} with the permission: expected {string.Join("/", ok)}, got {(int)allowed.StatusCode}");
        if (routeName == "StartSaga")
        {
            // A saga keeps writing after its 202. Cases run in any order, and the next one checks that a refused request
            // leaves the store as it was, so let this one finish first (it once added an event during another case).
            using var reader = host.TokenClient("reader-1", "reader");
            await Durable.Transfers.FinishedAsync(reader, (await allowed.JsonAsync()).GetProperty("sagaId").GetString()!, TimeSpan.FromSeconds(60));
        }
    }

    private static HttpClient RightClient(ApiHost host, Permission? permission) => permission switch
    {
        Permission.Erase => host.TokenClient("privacy-1", "privacy"),
        Permission.Operate => host.KeyClient("ops"),
        Permission.Write => host.TokenClient("writer-1", "writer"),
        Permission.Execute => host.TokenClient("teller-1", "teller"),
        _ => host.TokenClient("reader-1", "reader"),
    };

    /// <summary>A principal with other permissions, but not <paramref name="needed"/>.</summary>
    private static HttpClient LackingClient(ApiHost host, Permission needed) => needed == Permission.Read
        ? host.BearerClient(host.Issuer.Token("writeonly-1", ["writeonly"]))
        : host.KeyClient("audit");

    private static HttpStatusCode SocketRefusal(ApiHost host) => host is LocalHostHost ? HttpStatusCode.UpgradeRequired : HttpStatusCode.BadRequest;

    private static Task<(Request, HttpStatusCode[])> Ok(Request request, params HttpStatusCode[] ok) => Task.FromResult(Case(request, ok));

    private static (Request, HttpStatusCode[]) Case(Request request, params HttpStatusCode[] ok) => (request, ok);
}
