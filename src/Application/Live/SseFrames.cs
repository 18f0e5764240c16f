using System.Text;
using System.Text.Json;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Live;

/// <summary>
/// The text/event-stream format (WHATWG HTML, "Server-sent events"): <c>id:</c>, <c>event:</c> and one <c>data:</c> line per
/// line of the payload (stored event JSON may hold line breaks between tokens), then a blank line. Comments start with ':'.
/// </summary>
public static class SseFrames
{
    public const string ContentType = "text/event-stream; charset=utf-8";

    /// <summary>
    /// The event name of the last message before the server ends a stream. Domain event types cannot contain ':', so it
    /// never collides with one.
    /// </summary>
    public const string CloseEvent = "es:close";

    /// <summary>Sent first: reconnect after 3 s, and a comment so the client sees the stream open at once.</summary>
    public static readonly byte[] Opening = Encoding.UTF8.GetBytes("retry: 3000\n: live\n\n");

    public static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes(": heartbeat\n\n");

    public static void AppendEvent(StringBuilder text, LiveEvent e)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(e);
        text.Append("id: ").Append(e.Id).Append('\n');
        text.Append("event: ").Append(e.Envelope.Type).Append('\n');
        AppendData(text, EnvelopeJson.ToJson(e.Envelope));
        text.Append('\n');
    }

    /// <param name="lastEventId">Repeated as the message id, so the client's Last-Event-ID stays the last event it got.</param>
    public static byte[] Close(string reason, string? lastEventId, string detail)
    {
        var text = new StringBuilder();
        if (lastEventId is not null)
        {
            text.Append("id: ").Append(lastEventId).Append('\n');
        }

        text.Append("event: ").Append(CloseEvent).Append('\n');
        AppendData(text, JsonSerializer.Serialize(new { reason, lastEventId, detail }));
        text.Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void AppendData(StringBuilder text, string payload)
    {
        foreach (var line in payload.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            text.Append("data: ").Append(line).Append('\n');
        }
    }
}
