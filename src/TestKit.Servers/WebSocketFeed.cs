using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// A live subscription over a real WebSocket (<see cref="ClientWebSocket"/>), its JSON messages read as the SSE messages
/// they mirror: an event message as its event type, id and envelope; the close message as <c>es:close</c>. Heartbeats
/// are counted, not returned.
/// </summary>
public sealed class WebSocketFeed : ILiveFeed
{
    private readonly ClientWebSocket _socket;

    private WebSocketFeed(ClientWebSocket socket) => _socket = socket;

    public int Heartbeats { get; private set; }

    public WebSocketState State => _socket.State;

    /// <summary>
    /// Connects with <paramref name="http"/>'s base address and default headers (its key or bearer token). A refused
    /// handshake is asked again as a plain HTTP request with the same upgrade headers, so the test sees the problem body.
    /// </summary>
    public static async Task<(ILiveFeed? Feed, HttpResponseMessage Response)> OpenAsync(HttpClient http, string path, string? lastEventId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(path);
        if (lastEventId is not null)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lastEventId=" + Uri.EscapeDataString(lastEventId);
        }

        var uri = new UriBuilder(new Uri(http.BaseAddress!, path)) { Scheme = http.BaseAddress!.Scheme == "https" ? "wss" : "ws" }.Uri;
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var header in http.DefaultRequestHeaders)
        {
            socket.Options.SetRequestHeader(header.Key, string.Join(",", header.Value));
        }

        try
        {
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(uri, connect.Token);
            return (new WebSocketFeed(socket), new HttpResponseMessage(HttpStatusCode.SwitchingProtocols));
        }
        catch (WebSocketException)
        {
            socket.Dispose();
            return (null, await RefusalAsync(http, path));
        }
    }

    public async Task<SseMessage?> ReadAsync(CancellationToken ct = default)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                try
                {
                    received = await _socket.ReceiveAsync(buffer, ct);
                }
                catch (WebSocketException)
                {
                    return null; // the server dropped the connection
                }

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
                    }

                    return null;
                }

                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var json = JsonDocument.Parse(message.ToArray()).RootElement;
            switch (json.GetProperty("type").GetString())
            {
                case "heartbeat":
                    Heartbeats++;
                    continue;
                case "close":
                    return new SseMessage(json.GetProperty("lastEventId").GetString(), "es:close", json.GetRawText());
                case "event":
                    var envelope = json.GetProperty("event");
                    return new SseMessage(json.GetProperty("id").GetString(), envelope.GetProperty("type").GetString()!, envelope.GetRawText());
                default:
                    throw new InvalidOperationException("Unknown message: " + json.GetRawText());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", bound.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }

    private static async Task<HttpResponseMessage> RefusalAsync(HttpClient http, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
