using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// A subscription as WebSocket text messages, one JSON object each (README, "Live subscriptions"):
/// <c>{"type":"event","id":…,"event":{envelope}}</c>, <c>{"type":"heartbeat"}</c>, and last
/// <c>{"type":"close","reason":…,"lastEventId":…,"detail":…}</c> before a normal closure whose description is the reason.
/// The ids are the SSE ids; a client resumes with <c>?lastEventId=</c> (browsers cannot set headers on a WebSocket).
/// Messages from the client are read only to see it close.
/// </summary>
public sealed class WebSocketTransport(WebSocket socket) : ILiveTransport
{
    private static readonly byte[] Heartbeat = """{"type":"heartbeat"}"""u8.ToArray();

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public string Name => "websocket";

    /// <summary>Runs <paramref name="subscription"/> on <paramref name="socket"/> until either side ends it.</summary>
    public static async Task RunAsync(LiveSubscription subscription, WebSocket socket, CancellationToken aborted)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(socket);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var receiving = ReceiveUntilClosedAsync(socket, gone);
        await subscription.RunAsync(new WebSocketTransport(socket), gone.Token);
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // The client closed (its close frame is answered here, not beside a send in flight), or left without one.
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client", CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Let the client's answer to our close frame arrive, briefly: the closing handshake, not a hang.
        await receiving.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await gone.CancelAsync();
        await receiving;
    }

    public Task OpenAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task SendAsync(IReadOnlyList<LiveEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            await SendAsync(w =>
            {
                w.WriteString("type", "event");
                w.WriteString("id", e.Id);
                w.WritePropertyName("event");
                w.WriteRawValue(EnvelopeJson.ToJson(e.Envelope), skipInputValidation: true);
            }, ct);
        }
    }

    public Task HeartbeatAsync(CancellationToken ct) => socket.SendAsync(Heartbeat, WebSocketMessageType.Text, endOfMessage: true, ct);

    public async Task CloseAsync(string reason, string? lastEventId, string detail, CancellationToken ct)
    {
        await SendAsync(w =>
        {
            w.WriteString("type", "close");
            w.WriteString("reason", reason);
            w.WriteString("lastEventId", lastEventId);
            w.WriteString("detail", detail);
        }, ct);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, ct);
    }

    private async Task SendAsync(Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        _buffer.ResetWrittenCount();
        await using (var writer = new Utf8JsonWriter(_buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        await socket.SendAsync(_buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, ct);
    }

    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationTokenSource gone)
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, gone.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone: the end, too.
        }
        finally
        {
            await gone.CancelAsync();
        }
    }
}
