namespace Serverless.EventSourcing.Functions.Tests.Contract;

/// <summary>
/// Live subscriptions as one table of cases, each run over server-sent events and over a WebSocket: the same feeds,
/// filters, ids, resume and refusals. Both transports run on the local host; the Functions app runs them over SSE, and
/// its WebSocket routes answer with the SSE route instead (<see cref="FunctionsAppWebSocketRefusalTests"/>).
/// The hosts keep a 16-event window, so cases that start far back read the database first and then join the window.
/// </summary>
public static class LiveTransportCases
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static IReadOnlyDictionary<string, Func<Hosts.ApiHost, LiveTransport, Task>> All { get; } = new Dictionary<string, Func<Hosts.ApiHost, LiveTransport, Task>>
    {
        ["live subscriptions without the key are 401"] = async (host, transport) =>
        {
            using var anonymous = host.NewClientWithoutKey();
            var (feed, response) = await LiveFeed.OpenAsync(transport, anonymous, $"/api/streams/note-{Api.NewId()}/live?fromVersion=1");
            Assert.Null(feed);
            await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            (feed, response) = await LiveFeed.OpenAsync(transport, anonymous, "/api/events/live");
            Assert.Null(feed);
            await response.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        },
        ["a token in access_token opens a feed where headers cannot be set"] = async (host, transport) =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            using var anonymous = host.NewClientWithoutKey();
            var (feed, response) = await LiveFeed.OpenAsync(transport, anonymous, $"/api/streams/{stream}/live?fromVersion=1&access_token={host.Issuer.Token("live-reader", ["reader"])}");
            Assert.True(feed is not null, $"refused: {response.StatusCode}");
            await using (feed)
            {
                Assert.Equal(["1"], (await feed.ReadEventsAsync(1, Bound)).Select(m => m.Id));
            }
        },
        ["a stream subscription sends each event once, in order, with its version as id, and resumes after the last id"] = async (host, transport) =>
        {
            var stream = $"note-{Api.NewId()}";
            await host.Client.AppendOneAsync(stream);
            await host.Client.AppendOneAsync(stream);
            var (first, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/streams/{stream}/live?fromVersion=1");
            await using (first)
            {
                await host.Client.AppendOneAsync(stream);
                var messages = await first!.ReadEventsAsync(3, Bound);
                Assert.Equal(["1", "2", "3"], messages.Select(m => m.Id));
                Assert.All(messages, m => Assert.Equal("noted", m.Event));
                Assert.Equal([1, 2, 3], messages.Select(m => m.Json.GetProperty("streamVersion").GetInt64()));
                if (first is SseClient sse)
                {
                    Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
                }
            }

            await host.Client.AppendOneAsync(stream);
            var (resumed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/streams/{stream}/live?fromVersion=1", lastEventId: "3");
            await using (resumed)
            {
                Assert.Equal(["4"], (await resumed!.ReadEventsAsync(1, Bound)).Select(m => m.Id));
            }
        },
        ["without a starting point a feed gets only what is appended after it opened"] = async (host, transport) =>
        {
            var stream = $"live{Api.NewId()}-1";
            await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "old", data = new { } } } }));
            var (streamFeed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/streams/{stream}/live");
            var (logFeed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/events/live?category={stream.Split('-')[0]}");
            await using (streamFeed)
            await using (logFeed)
            {
                await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "new", data = new { } } } }));
                Assert.Equal(["new"], (await streamFeed!.ReadEventsAsync(1, Bound)).Select(m => m.Event));
                Assert.Equal(["new"], (await logFeed!.ReadEventsAsync(1, Bound)).Select(m => m.Event));
            }
        },
        ["a log subscription filters by category and type and carries the log cursor as id"] = async (host, transport) =>
        {
            var category = "live" + Api.NewId();
            var stream = $"{category}-1";
            await host.Client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new object[] { new { type = "kept", data = new { n = 1 } }, new { type = "dropped", data = new { n = 2 } }, new { type = "kept", data = new { n = 3 } } } }));
            var (feed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/events/live?category={category}&eventType=kept&afterPosition=0");
            await using (feed)
            {
                var messages = await feed!.ReadEventsAsync(2, Bound);
                Assert.Equal([1, 3], messages.Select(m => m.Json.GetProperty("data").GetProperty("n").GetInt32()));
                Assert.All(messages, m => Assert.Matches("^[0-9]+:[0-9]+$", m.Id));
                Assert.All(messages, m => Assert.EndsWith(":" + m.Json.GetProperty("globalPosition").GetInt64(), m.Id, StringComparison.Ordinal));
            }
        },
        ["a feed that starts behind the in-memory window reads the database, joins the window, and misses nothing"] = async (host, transport) =>
        {
            // 40 events before it opens (the window holds 16), 40 while it reads: to the stream and to the log.
            var category = "behind" + Api.NewId();
            var stream = $"{category}-1";
            await AppendNumberedAsync(host.Client, stream, 1, 40);
            var (streamFeed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/streams/{stream}/live?fromVersion=1");
            var (logFeed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/events/live?category={category}&afterPosition=0");
            await using (streamFeed)
            await using (logFeed)
            {
                var streamReading = streamFeed!.ReadEventsAsync(80, Bound * 2);
                var logReading = logFeed!.ReadEventsAsync(80, Bound * 2);
                await AppendNumberedAsync(host.Client, stream, 41, 40);
                Assert.Equal(Enumerable.Range(1, 80).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), (await streamReading).Select(m => m.Id));
                Assert.Equal(Enumerable.Range(1, 80), (await logReading).Select(m => m.Json.GetProperty("data").GetProperty("n").GetInt32()));
            }
        },
        ["a deleted stream's feed sends its events, then ends with a deleted close message"] = async (host, transport) =>
        {
            var stream = await host.Client.AppendOneAsync($"note-{Api.NewId()}");
            var (feed, _) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/streams/{stream}/live?fromVersion=1");
            await using (feed)
            {
                Assert.Equal(["1"], (await feed!.ReadEventsAsync(1, Bound)).Select(m => m.Id));
                await host.Client.AppendOneAsync(stream);
                Assert.Equal(HttpStatusCode.OK, (await host.Client.DeleteAsync($"/api/streams/{stream}")).StatusCode);
                var rest = await feed!.ReadEventsAsync(2, Bound);

                Assert.Equal(["2"], rest.Where(m => !m.IsClose).Select(m => m.Id));
                var close = Assert.Single(rest, m => m.IsClose);
                Assert.Equal("deleted", close.Json.GetProperty("reason").GetString());
                Assert.Equal("2", close.Id);
                Assert.Null(await feed!.ReadAsync());
            }

            var (again, refused) = await LiveFeed.OpenAsync(transport, host.Client, $"/api/streams/{stream}/live?fromVersion=1");
            Assert.Null(again);
            await refused.ProblemAsync(HttpStatusCode.Gone, "stream-deleted");
        },
        ["bad live subscription input is 400 naming the field"] = async (host, transport) =>
        {
            async Task<string?> FieldAsync(string url, string? lastEventId = null)
            {
                var (feed, response) = await LiveFeed.OpenAsync(transport, host.Client, url, lastEventId);
                Assert.Null(feed);
                return (await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid-input")).GetProperty("field").GetString();
            }

            var resume = transport == LiveTransport.Sse ? "Last-Event-ID" : "lastEventId";
            Assert.Equal("fromVersion", await FieldAsync($"/api/streams/note-{Api.NewId()}/live?fromVersion=-1"));
            Assert.Equal(resume, await FieldAsync($"/api/streams/note-{Api.NewId()}/live", "x"));
            Assert.Equal("streamId", await FieldAsync("/api/streams/nodash/live"));
            Assert.Equal(resume, await FieldAsync("/api/events/live", "12"));
            Assert.Equal("afterPosition", await FieldAsync("/api/events/live?afterPosition=-1"));
            Assert.Equal("category", await FieldAsync("/api/events/live?category=1x"));
            Assert.Equal("eventType", await FieldAsync("/api/events/live?eventType=a%20b"));
        },
    };

    public static TheoryData<string, LiveTransport> Both => Cases(LiveTransport.Sse, LiveTransport.WebSocket);

    public static TheoryData<string, LiveTransport> SseOnly => Cases(LiveTransport.Sse);

    private static TheoryData<string, LiveTransport> Cases(params LiveTransport[] transports)
    {
        var data = new TheoryData<string, LiveTransport>();
        foreach (var name in All.Keys)
        {
            foreach (var transport in transports)
            {
                data.Add(name, transport);
            }
        }

        return data;
    }

    private static async Task AppendNumberedAsync(HttpClient client, string stream, int first, int count)
    {
        for (var n = first; n < first + count; n++)
        {
            var response = await client.PostAsync($"/api/streams/{stream}/events", Api.Json(new { events = new[] { new { type = "numbered", data = new { n } } } }));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }
}
