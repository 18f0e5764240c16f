using System.Net.Sockets;

namespace Serverless.EventSourcing.LocalHost.Tests.Live;

/// <summary>A subscriber that stops reading is closed; the others keep receiving; it resumes where it was.</summary>
public sealed class SlowSubscriberTests(TightLiveFixture host) : IClassFixture<TightLiveFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_stalled_subscriber_is_closed_while_others_keep_receiving_and_resumes_without_a_gap()
    {
        // Given a healthy subscriber, and one whose socket takes almost nothing and which never reads
        var stream = $"slow{Http.NewId()}-1";
        var (healthy, _) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=1");
        using var stalledHttp = StalledClient();
        var (stalled, _) = await SseClient.OpenAsync(stalledHttp, $"/api/streams/{stream}/live?fromVersion=1");
        Assert.NotNull(stalled);

        // When 100 events of 64 KiB are appended (far more than the stalled socket and its 8-event buffer hold)
        var reading = healthy!.ReadEventsAsync(100, Bound);
        var payload = new string('x', 64 * 1024);
        for (var i = 1; i <= 100; i++)
        {
            var response = await host.Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "big", data = new { i, payload } } } }));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // Then the healthy subscriber got all of them, in order
        var received = await reading;
        Assert.Equal(Enumerable.Range(1, 100).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(m => m.Id));

        // And the stalled one was closed: reading it now reaches the end (a close message, or a dropped connection)
        var got = await ReadToEndAsync(stalled);
        Assert.True(got.Count < 100, "the stalled subscriber was not closed");
        var events = got.Where(m => !m.IsClose).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(m => m.Id));
        if (got.LastOrDefault() is { IsClose: true } close)
        {
            Assert.Equal("overflow", close.Json.GetProperty("reason").GetString());
            Assert.Equal(events.LastOrDefault()?.Id, close.Id);
        }

        // And it resumes exactly after the last event it got
        var (resumed, _) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=1", lastEventId: events.LastOrDefault()?.Id ?? "0");
        var rest = await resumed!.ReadEventsAsync(100 - events.Count, Bound);
        Assert.Equal(Enumerable.Range(events.Count + 1, 100 - events.Count).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), rest.Select(m => m.Id));
        await resumed.DisposeAsync();
        await healthy.DisposeAsync();
    }

    private HttpClient StalledClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                // A tiny receive window: once it is full the server's writes block, as with a client that stopped reading.
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Add("x-functions-key", LocalHostFixture.Key);
        return client;
    }

    private static async Task<List<SseMessage>> ReadToEndAsync(SseClient client)
    {
        var messages = new List<SseMessage>();
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            while (await client.ReadAsync(bound.Token) is { } message)
            {
                messages.Add(message);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The server dropped the connection (a write to it blocked): the end, too.
        }

        await client.DisposeAsync();
        return messages;
    }
}

/// <summary>The subscriber cap and the longest connection life.</summary>
public sealed class LiveLimitsTests(CappedLiveFixture host) : IClassFixture<CappedLiveFixture>
{
    [Fact]
    public async Task Subscribers_over_the_cap_get_503_with_Retry_After_and_a_connection_at_its_longest_life_ends_with_a_close_message_to_resume_from()
    {
        // Given the cap's two subscribers open on a stream with one event
        var stream = $"cap{Http.NewId()}-1";
        await host.Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "one", data = new { } } } }));
        var (a, _) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=1");
        var (b, _) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=1");

        // When a third subscribes
        var (c, refused) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=1");

        // Then it is refused with a problem that says when to retry
        Assert.Null(c);
        var problem = await refused.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith(":too-many-subscribers", problem.GetProperty("type").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);

        // And the open ones, at their longest life, end with a close message carrying the last event's id
        foreach (var client in new[] { a!, b! })
        {
            var messages = await client.ReadEventsAsync(2, TimeSpan.FromSeconds(60));
            Assert.Equal(["1"], messages.Where(m => !m.IsClose).Select(m => m.Id));
            var close = Assert.Single(messages, m => m.IsClose);
            Assert.Equal("max-duration", close.Json.GetProperty("reason").GetString());
            Assert.Equal("1", close.Id);
            Assert.Null(await client.ReadAsync());
            await client.DisposeAsync();
        }
    }
}
