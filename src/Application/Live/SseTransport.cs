using System.Text;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>A subscription as a text/event-stream response body (<see cref="SseFrames"/>); every message is flushed at once.</summary>
public sealed class SseTransport(Stream body) : ILiveTransport
{
    private readonly StringBuilder _text = new();

    public string Name => "sse";

    public Task OpenAsync(CancellationToken ct) => WriteAsync(SseFrames.Opening, ct);

    public Task SendAsync(IReadOnlyList<LiveEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        _text.Clear();
        foreach (var e in events)
        {
            SseFrames.AppendEvent(_text, e);
        }

        return WriteAsync(Encoding.UTF8.GetBytes(_text.ToString()), ct);
    }

    public Task HeartbeatAsync(CancellationToken ct) => WriteAsync(SseFrames.Heartbeat, ct);

    public Task CloseAsync(string reason, string? lastEventId, string detail, CancellationToken ct) => WriteAsync(SseFrames.Close(reason, lastEventId, detail), ct);

    private async Task WriteAsync(byte[] bytes, CancellationToken ct)
    {
        await body.WriteAsync(bytes, ct);
        await body.FlushAsync(ct);
    }
}
