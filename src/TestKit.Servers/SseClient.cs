using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>One server-sent-events message as a client receives it (comments are not messages).</summary>
public sealed record SseMessage(string? Id, string Event, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;

    public bool IsClose => Event == "es:close";
}

/// <summary>
/// A text/event-stream reader over a real HTTP response, parsing as a browser's EventSource does (WHATWG HTML): fields
/// per line, data lines joined with "\n", a blank line ends a message, lines starting with ':' are comments.
/// </summary>
public sealed class SseClient : ILiveFeed
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens a subscription; the response is returned as it is when it is not an event stream (a problem).</summary>
    public static async Task<(SseClient? Client, HttpResponseMessage Response)> OpenAsync(HttpClient http, string url, string? lastEventId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return (null, response);
        }

        return (new SseClient(response, await response.Content.ReadAsStreamAsync(ct)), response);
    }

    /// <summary>The next message, or null when the server ended the stream.</summary>
    public Task<SseMessage?> ReadAsync(CancellationToken ct = default) => ReadMessageAsync(_reader, ct);

    /// <summary>The messages of an event stream's text (a message cut off at the end is left out).</summary>
    public static IEnumerable<SseMessage> Parse(string text)
    {
        using var reader = new StringReader(text);
        while (ReadMessageAsync(reader, CancellationToken.None).GetAwaiter().GetResult() is { } message)
        {
            yield return message;
        }
    }

    private static async Task<SseMessage?> ReadMessageAsync(TextReader reader, CancellationToken ct)
    {
        string? id = null;
        var type = "message";
        var data = new List<string>();
        var any = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    return new SseMessage(id, type, string.Join('\n', data));
                }

                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            switch (field)
            {
                case "id":
                    id = value;
                    any = true;
                    break;
                case "event":
                    type = value;
                    any = true;
                    break;
                case "data":
                    data.Add(value);
                    any = true;
                    break;
            }
        }

        return null;
    }

    /// <summary>Messages until <paramref name="count"/> events arrived, the stream ended, or <paramref name="within"/> passed (a bound on the wait, not an assertion).</summary>
    public Task<List<SseMessage>> ReadEventsAsync(int count, TimeSpan within) => LiveFeed.ReadEventsAsync(this, count, within);

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
