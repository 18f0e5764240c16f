namespace Serverless.EventSourcing.Application.Api;

/// <summary>An HTTP request as any host hands it over: route values, query, headers, body stream.</summary>
public sealed class ApiRequest
{
    public required string Method { get; init; }

    /// <summary>The path and query as received, for building Link headers.</summary>
    public required string Path { get; init; }

    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Header names are case-insensitive; multiple values are joined with commas.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public Stream Body { get; init; } = Stream.Null;

    /// <summary>The connection's remote address (a proxy's, behind one: see <c>RateLimits:ForwardedForHops</c>).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The host can accept a WebSocket here (the local host; Azure Functions HTTP triggers cannot be upgraded).</summary>
    public bool WebSocketsAccepted { get; init; }

    /// <summary>The request asks for a WebSocket upgrade.</summary>
    public bool IsWebSocketRequest { get; init; }

    /// <summary>This request with some parts replaced; everything else (the WebSocket flags included) carried over.</summary>
    public ApiRequest With(string? path = null, IReadOnlyDictionary<string, string>? routeValues = null, IReadOnlyDictionary<string, string>? query = null) => new()
    {
        Method = Method,
        Path = path ?? Path,
        RouteValues = routeValues ?? RouteValues,
        Query = query ?? Query,
        Headers = Headers,
        Body = Body,
        RemoteAddress = RemoteAddress,
        WebSocketsAccepted = WebSocketsAccepted,
        IsWebSocketRequest = IsWebSocketRequest,
    };

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
