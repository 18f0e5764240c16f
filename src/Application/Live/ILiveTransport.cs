namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// How a subscription's messages reach its subscriber: server-sent events (<see cref="SseTransport"/>) or WebSocket
/// messages (<see cref="WebSocketTransport"/>). The subscription bounds every call by the stall timeout; a call that
/// does not finish in it means the subscriber stopped reading.
/// </summary>
public interface ILiveTransport
{
    /// <summary>"sse" or "websocket": the metrics tag.</summary>
    string Name { get; }

    Task OpenAsync(CancellationToken ct);

    Task SendAsync(IReadOnlyList<LiveEvent> events, CancellationToken ct);

    Task HeartbeatAsync(CancellationToken ct);

    /// <summary>The last message: why the server ends the feed, and the id to resume after.</summary>
    Task CloseAsync(string reason, string? lastEventId, string detail, CancellationToken ct);
}
