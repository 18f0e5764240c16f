using System.Net.Sockets;
using System.Text;

namespace Serverless.EventSourcing.LocalHost.Tests.Live;

/// <summary>A subscriber that stops reading is closed; the others keep receiving; it resumes where it was.</summary>
public sealed class SlowSubscriberTests(TightLiveFixture host) : IClassFixture<TightLiveFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary><c>Live:StallSeconds</c> of the fixture.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_stalled_subscriber_is_closed_while_others_keep_receiving_and_resumes_without_a_gap()
    {
        // Given a healthy subscriber, and one whose socket takes almost nothing and which never reads
        var stream = $"slow{Http.NewId()}-1";
        var (healthy, _) = await SseClient.OpenAsync(host.Client, $"/api/streams/{stream}/live?fromVersion=1");
        using var stalled = await OpenStalledAsync($"/api/streams/{stream}/live?fromVersion=1");

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
        // (it must stay stalled past the stall timeout: a read now would let the server's blocked writes through)
        await Task.Delay(StallTimeout * 3);
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

    /// <summary>
    /// A subscriber that sends its request on a raw socket with a tiny receive window and then reads nothing (an HTTP
    /// client reads ahead into buffers of its own, which let a "stalled" one take megabytes on some machines).
    /// HTTP/1.0, so the body is the plain event stream, ended by the server closing the connection.
    /// </summary>
    private async Task<Socket> OpenStalledAsync(string path)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024, NoDelay = true };
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var request = $"GET {path} HTTP/1.0\r\nHost: {host.BaseAddress.Authority}\r\nAccept: text/event-stream\r\nx-functions-key: {LocalHostFixture.Key}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return socket;
    }

    /// <summary>Everything the stalled subscriber's connection holds, read until the server ends or drops it, as SSE messages.</summary>
    private static async Task<List<SseMessage>> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        using var bound = new CancellationTokenSource(Bound);
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // The server dropped the connection (a write to it blocked): the end, too.
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        if (text.Length == 0)
        {
            return []; // dropped with a reset before anything it held was read
        }

        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0 && text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"no event stream: {text[..Math.Min(200, text.Length)]}");
        return SseClient.Parse(text[(headerEnd + 4)..]).ToList();
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
