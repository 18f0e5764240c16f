namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>How a test subscribes: server-sent events or a WebSocket (the same feeds, ids and resume).</summary>
public enum LiveTransport
{
    Sse,
    WebSocket,
}

/// <summary>A live subscription as a test reads it, whatever the transport: messages as SSE would name them.</summary>
public interface ILiveFeed : IAsyncDisposable
{
    /// <summary>The next message, or null when the server ended the feed.</summary>
    Task<SseMessage?> ReadAsync(CancellationToken ct = default);
}

public static class LiveFeed
{
    /// <summary>
    /// Subscribes to <paramref name="ssePath"/> (a live route of the API) over <paramref name="transport"/>: the WebSocket
    /// route is the SSE one with <c>/ws</c> after <c>/live</c>, and the resume id travels as <c>?lastEventId=</c> there. A
    /// refusal comes back as the HTTP response it was.
    /// </summary>
    public static Task<(ILiveFeed? Feed, HttpResponseMessage Response)> OpenAsync(LiveTransport transport, HttpClient http, string ssePath, string? lastEventId = null) =>
        transport == LiveTransport.Sse
            ? OpenSseAsync(http, ssePath, lastEventId)
            : WebSocketFeed.OpenAsync(http, WebSocketPath(ssePath), lastEventId);

    /// <summary>The WebSocket route of a live SSE route, query kept.</summary>
    public static string WebSocketPath(string ssePath)
    {
        ArgumentNullException.ThrowIfNull(ssePath);
        var query = ssePath.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? ssePath : ssePath[..query];
        return path + "/ws" + (query < 0 ? "" : ssePath[query..]);
    }

    /// <summary>Messages until <paramref name="count"/> events arrived, the feed ended, or <paramref name="within"/> passed (a bound on the wait, not an assertion).</summary>
    public static async Task<List<SseMessage>> ReadEventsAsync(this ILiveFeed feed, int count, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(feed);
        using var timeout = new CancellationTokenSource(within);
        var messages = new List<SseMessage>();
        try
        {
            while (messages.Count(m => !m.IsClose) < count && await feed.ReadAsync(timeout.Token) is { } message)
            {
                messages.Add(message);
                if (message.IsClose)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        return messages;
    }

    private static async Task<(ILiveFeed? Feed, HttpResponseMessage Response)> OpenSseAsync(HttpClient http, string path, string? lastEventId)
    {
        var (client, response) = await SseClient.OpenAsync(http, path, lastEventId);
        return (client, response);
    }
}
