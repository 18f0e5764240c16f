using System.Net;
using System.Text.Json;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>What a host writes back: status, headers, and a JSON (or empty) body, or a body written while the response stays open.</summary>
public sealed class ApiResponse
{
    public const string Json = "application/json";
    public const string ProblemJson = "application/problem+json";

    public int Status { get; init; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[] Body { get; init; } = [];

    public string? ContentType { get; init; }

    /// <summary>
    /// Set for a streamed body (server-sent events): the host sends status and headers, turns response buffering off and
    /// runs this with the response body and a token cancelled when the client leaves. An exception from it means the
    /// connection is unusable: the host drops it.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? StreamBody { get; init; }

    /// <summary>
    /// Set for a WebSocket: the host accepts the upgrade and runs this with the socket and a token cancelled when the
    /// connection is lost. An exception from it means the connection is unusable: the host drops it.
    /// </summary>
    public Func<System.Net.WebSockets.WebSocket, CancellationToken, Task>? WebSocketSession { get; init; }

    public static ApiResponse Of(HttpStatusCode status, object? body = null, string contentType = Json) => new()
    {
        Status = (int)status,
        Body = body is null ? [] : Serialize(body),
        ContentType = body is null ? null : contentType,
    };

    public static ApiResponse EventStream(Func<Stream, CancellationToken, Task> writer) =>
        new() { Status = (int)HttpStatusCode.OK, ContentType = Live.SseFrames.ContentType, StreamBody = writer };

    public static ApiResponse WebSocket(Func<System.Net.WebSockets.WebSocket, CancellationToken, Task> session) =>
        new() { Status = (int)HttpStatusCode.SwitchingProtocols, WebSocketSession = session };

    public static ApiResponse Empty(HttpStatusCode status) => new() { Status = (int)status };

    /// <summary>
    /// The problem a handler answered with, kept so the dispatcher can add the request's <c>instance</c> and
    /// correlation id to it as it does to thrown ones; null for any other body, or once the body was replaced.
    /// </summary>
    public Problem? AnsweredProblem { get; private init; }

    public static ApiResponse Problem(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new()
        {
            Status = (int)problem.StatusCode,
            Body = Serialize(problem),
            ContentType = ProblemJson,
            AnsweredProblem = problem,
        };
    }

    private static byte[] Serialize(object body) => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ApiJson.Options);

    /// <summary>The same response with another body (same status, headers and content type).</summary>
    public ApiResponse WithBody(byte[] body)
    {
        var copy = new ApiResponse { Status = Status, Body = body, ContentType = ContentType, StreamBody = StreamBody, WebSocketSession = WebSocketSession };
        foreach (var (name, value) in Headers)
        {
            copy.Headers[name] = value;
        }

        return copy;
    }

    public ApiResponse With(string header, string value)
    {
        Headers[header] = value;
        return this;
    }

    /// <summary>Versions travel as strong ETags: <c>"5"</c>.</summary>
    public ApiResponse WithETag(long version) => With("ETag", $"\"{version}\"");
}
