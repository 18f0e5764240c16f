using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serverless.EventSourcing.Application.Api;

namespace Serverless.EventSourcing.Hosting.Http;

/// <summary>
/// The one HTTP adapter of both hosts: an ASP.NET Core <see cref="HttpRequest"/> in, <see cref="ApiDispatcher"/>,
/// an <see cref="IResult"/> out. The local host's endpoints and the Functions app's triggers (ASP.NET Core
/// integration) call it the same way; it decides nothing.
/// </summary>
public static class HttpApi
{
    // Route values come from the route table's template, not from the host's routing data, so both hosts see the same values.
    private static readonly Dictionary<string, ApiRoute> Routes = ApiRoutes.All.Append(ApiRoutes.Fallback).ToDictionary(r => r.Name, StringComparer.Ordinal);
    private static readonly string PrefixPath = "/" + ApiRoutes.Prefix;

    public static async Task<IResult> DispatchAsync(this ApiDispatcher dispatcher, string routeName, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(request);
        var response = await dispatcher.DispatchAsync(routeName, ToApiRequest(routeName, request), request.HttpContext.RequestAborted);
        return new ApiResult(response);
    }

    /// <summary>Writes an <see cref="ApiResponse"/> as it is: status, headers, and the body unless the method is HEAD.</summary>
    public static async Task WriteAsync(HttpContext context, ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        if (response.WebSocketSession is { } session)
        {
            await WebSocketAsync(context, response, session);
            return;
        }

        var http = context.Response;
        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        if (response.StreamBody is { } stream)
        {
            await StreamAsync(context, response.ContentType, stream);
            return;
        }

        if (response.ContentType is not null && !HttpMethods.IsHead(context.Request.Method))
        {
            http.ContentType = response.ContentType;
            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body, context.RequestAborted);
        }
    }

    public static ApiRequest ToApiRequest(string routeName, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var routeValues = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Routes.TryGetValue(routeName, out var route) && request.Path.StartsWithSegments(PrefixPath, StringComparison.OrdinalIgnoreCase, out var relative))
        {
            route.Parsed.TryMatch(relative.Value ?? "", routeValues);
        }

        return new ApiRequest
        {
            Method = request.Method,
            Path = request.PathBase + request.Path + request.QueryString,
            RouteValues = routeValues,
            Query = request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Headers = request.Headers.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = request.Body,
            RemoteAddress = request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            // Present only where the host runs the WebSocket middleware (the local host); Functions triggers cannot upgrade.
            WebSocketsAccepted = request.HttpContext.Features.Get<IHttpWebSocketFeature>() is not null,
            IsWebSocketRequest = request.HttpContext.WebSockets.IsWebSocketRequest,
        };
    }

    /// <summary>
    /// A streamed body: headers go out at once, nothing is buffered (each flush reaches the client), and a writer that
    /// gives up on the connection (a stalled client) has it dropped rather than ended cleanly.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, string? contentType, Func<Stream, CancellationToken, Task> writer)
    {
        var http = context.Response;
        http.ContentType = contentType;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await http.StartAsync(context.RequestAborted);
            await writer(http.Body, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left.
        }
        catch (Exception) when (http.HasStarted)
        {
            context.Abort();
        }
    }

    /// <summary>The upgrade, then the session on the socket; a session that gives up on the connection has it dropped.</summary>
    private static async Task WebSocketAsync(HttpContext context, ApiResponse response, Func<System.Net.WebSockets.WebSocket, CancellationToken, Task> session)
    {
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        try
        {
            await session(socket, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left.
        }
        catch (Exception)
        {
            context.Abort();
        }
    }

    private sealed class ApiResult(ApiResponse response) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, response);
    }
}
