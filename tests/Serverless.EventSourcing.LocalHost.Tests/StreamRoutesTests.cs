namespace Serverless.EventSourcing.LocalHost.Tests;

public class StreamRoutesTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Client => host.Client;

    [Fact]
    public async Task Append_then_read_the_stream_its_metadata_and_version_with_etags()
    {
        var stream = $"order-{Http.NewId()}";
        var eventId = Guid.NewGuid();

        var append = await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new
        {
            expectedVersion = "no_stream",
            events = new object[] { new { eventId, type = "OrderPlaced", data = new { total = 42 } }, new { type = "OrderPaid", data = new { total = 42 }, metadata = new { userId = "u1" } } },
        }));
        var read = await Client.GetAsync($"/api/streams/{stream}/events");
        var info = await Client.GetAsync($"/api/streams/{stream}");
        var version = await Client.GetAsync($"/api/streams/{stream}/version");
        var head = await Client.SendAsync(HttpMethod.Head, $"/api/streams/{stream}");
        var headMissing = await Client.SendAsync(HttpMethod.Head, $"/api/streams/order-{Http.NewId()}");

        Assert.Equal(HttpStatusCode.Created, append.StatusCode);
        Assert.Equal("\"2\"", append.Headers.ETag?.Tag);
        Assert.Equal(2, (await append.JsonAsync()).GetProperty("nextExpectedVersion").GetInt64());
        var body = await read.JsonAsync();
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        Assert.Equal(eventId, body.GetProperty("events")[0].GetProperty("eventId").GetGuid());
        Assert.Equal(42, body.GetProperty("events")[0].GetProperty("data").GetProperty("total").GetInt32());
        Assert.Equal("u1", body.GetProperty("events")[1].GetProperty("metadata").GetProperty("userId").GetString());
        Assert.Equal("order", (await info.JsonAsync()).GetProperty("category").GetString());
        Assert.Equal(2, (await version.JsonAsync()).GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("\"2\"", head.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.NotFound, headMissing.StatusCode);
    }

    [Fact]
    public async Task If_match_is_the_expected_version_and_a_stale_one_is_412_with_the_current_version()
    {
        var stream = $"order-{Http.NewId()}";
        var first = await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "A", data = new { } } } }));
        var etag = first.Headers.ETag!.Tag;

        var ok = await Client.SendAsync(HttpMethod.Post, $"/api/streams/{stream}/events", new { events = new[] { new { type = "B", data = new { } } } }, ("If-Match", etag));
        var stale = await Client.SendAsync(HttpMethod.Post, $"/api/streams/{stream}/events", new { events = new[] { new { type = "C", data = new { } } } }, ("If-Match", etag));

        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var problem = await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(2, (await (await Client.GetAsync($"/api/streams/{stream}/version")).JsonAsync()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_body_expected_version_conflict_is_409_with_the_current_version_and_writes_nothing()
    {
        var stream = $"order-{Http.NewId()}";
        await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "A", data = new { } } } }));

        var conflict = await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { expectedVersion = 0, events = new[] { new { type = "B", data = new { } } } }));

        var problem = await conflict.ProblemAsync(HttpStatusCode.Conflict);
        Assert.EndsWith("concurrency-conflict", problem.GetProperty("type").GetString());
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
    }

    [Fact]
    public async Task Retrying_an_append_with_the_same_event_ids_is_200_and_does_not_duplicate()
    {
        var stream = $"order-{Http.NewId()}";
        var body = new { expectedVersion = 0, events = new[] { new { eventId = Guid.NewGuid(), type = "A", data = new { } } } };

        var first = await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(body));
        var retry = await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(body));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.True((await retry.JsonAsync()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, (await (await Client.GetAsync($"/api/streams/{stream}/version")).JsonAsync()).GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("/api/streams/not a stream/events", "{\"events\":[{\"type\":\"A\",\"data\":{}}]}", "streamId")]
    [InlineData("/api/streams/order-1x/events", "{\"events\":[{\"type\":\"A\",\"data\":{}}", "body")]
    [InlineData("/api/streams/order-1x/events", "{\"events\":[{\"data\":{}}]}", "events[0].type")]
    [InlineData("/api/streams/order-1x/events", "{\"events\":[{\"type\":\"A\"}]}", "events[0].data")]
    [InlineData("/api/streams/order-1x/events", "{\"events\":[]}", "events")]
    [InlineData("/api/streams/order-1x/events", "{\"expectedVersion\":\"soon\",\"events\":[{\"type\":\"A\",\"data\":{}}]}", "expectedVersion")]
    [InlineData("/api/streams/order-1x/events", "{\"events\":[{\"eventId\":\"nope\",\"type\":\"A\",\"data\":{}}]}", "events[0].eventId")]
    public async Task Malformed_appends_are_400_naming_the_field(string url, string json, string field)
    {
        var response = await Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/streams/order-1x")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_even_without_a_content_length()
    {
        var big = new string('x', LocalHostFixture.MaxBodyBytes + 10);
        var declared = await Client.PostAsync($"/api/streams/order-{Http.NewId()}/events", new StringContent($"{{\"events\":[{{\"type\":\"A\",\"data\":\"{big}\"}}]}}", Encoding.UTF8, "application/json"));
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/streams/order-{Http.NewId()}/events") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await Client.SendAsync(request);

        await declared.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await streamed.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Paging_through_a_thousand_events_follows_the_continuation()
    {
        var stream = $"ledger-{Http.NewId()}";
        for (var batch = 0; batch < 4; batch++)
        {
            var events = Enumerable.Range(0, 250).Select(i => new { type = "Entry", data = new { n = batch * 250 + i } }).ToArray();
            Assert.Equal(HttpStatusCode.Created, (await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events }))).StatusCode);
        }

        var seen = new List<int>();
        var url = $"/api/streams/{stream}/events?limit=300";
        var pages = 0;
        while (url is not null)
        {
            var response = await Client.GetAsync(url);
            var body = await response.JsonAsync();
            seen.AddRange(body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("n").GetInt32()));
            var next = body.GetProperty("nextVersion");
            var link = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
            Assert.Equal(next.ValueKind == JsonValueKind.Null, link is null);
            url = link is null ? null! : link[1..link.IndexOf('>', StringComparison.Ordinal)];
            pages++;
        }

        Assert.Equal(Enumerable.Range(0, 1000), seen);
        Assert.Equal(4, pages);
        var backward = await (await Client.GetAsync($"/api/streams/{stream}/events?direction=backward&limit=2")).JsonAsync();
        Assert.Equal([999, 998], backward.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Querying_the_log_pages_by_global_position_and_replay_filters()
    {
        var category = "q" + Http.NewId()[..8];
        var correlation = Guid.NewGuid().ToString();
        for (var i = 0; i < 5; i++)
        {
            await Client.SendAsync(HttpMethod.Post, $"/api/streams/{category}-{i}/events", new { events = new[] { new { type = "Made", data = new { i } }, new { type = "Shipped", data = new { i } } } }, ("x-correlation-id", correlation));
        }

        var all = new List<JsonElement>();
        string? url = $"/api/events?category={category}&limit=3";
        while (url is not null)
        {
            var response = await Client.GetAsync(url);
            var body = await response.JsonAsync();
            all.AddRange(body.GetProperty("events").EnumerateArray());
            url = body.GetProperty("nextAfterPosition") is { ValueKind: JsonValueKind.Number } next ? $"/api/events?category={category}&limit=3&afterPosition={next.GetInt64()}" : null;
        }

        var byCorrelation = await (await Client.GetAsync($"/api/events?correlationId={correlation}&eventType=Shipped")).JsonAsync();
        var replay = await (await Client.PostAsync("/api/replay", Http.Json(new { category, eventTypes = new[] { "Made" }, limit = 100 }))).JsonAsync();
        var badTime = await Client.GetAsync("/api/events?from=yesterday");

        Assert.Equal(10, all.Count);
        Assert.Equal(5, byCorrelation.GetProperty("events").GetArrayLength());
        Assert.Equal(5, replay.GetProperty("events").GetArrayLength());
        Assert.Equal("from", (await badTime.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_deleted_stream_is_gone_and_refuses_appends()
    {
        var stream = $"order-{Http.NewId()}";
        await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "A", data = new { } } } }));

        var staleDelete = await Client.SendAsync(HttpMethod.Delete, $"/api/streams/{stream}", null, ("If-Match", "\"7\""));
        var delete = await Client.DeleteAsync($"/api/streams/{stream}");
        var read = await Client.GetAsync($"/api/streams/{stream}/events");
        var append = await Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "B", data = new { } } } }));

        await staleDelete.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        await read.ProblemAsync(HttpStatusCode.Gone);
        await append.ProblemAsync(HttpStatusCode.Gone);
        Assert.True((await (await Client.GetAsync($"/api/streams/{stream}")).JsonAsync()).GetProperty("deleted").GetBoolean());
    }
}
