using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Live subscriptions (server-sent events). The returned result writes to the real response through the ASP.NET Core
/// integration, which streams it to the caller as it is written; each connection is one invocation, so it lives at most
/// <c>Live:MaxConnectionSeconds</c> (set well under host.json's functionTimeout) and the client resumes with Last-Event-ID.
/// </summary>
public sealed class LiveFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(SubscribeStream))]
    public Task<IResult> SubscribeStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.StreamLive)] HttpRequest req) =>
        http.RunAsync(nameof(SubscribeStream), req);

    [Function(nameof(SubscribeEvents))]
    public Task<IResult> SubscribeEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.EventsLive)] HttpRequest req) =>
        http.RunAsync(nameof(SubscribeEvents), req);

    /// <summary>HTTP triggers cannot be upgraded to a WebSocket: this answers 400 naming the SSE route.</summary>
    [Function(nameof(SubscribeStreamSocket))]
    public Task<IResult> SubscribeStreamSocket(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.StreamLiveSocket)] HttpRequest req) =>
        http.RunAsync(nameof(SubscribeStreamSocket), req);

    /// <summary>HTTP triggers cannot be upgraded to a WebSocket: this answers 400 naming the SSE route.</summary>
    [Function(nameof(SubscribeEventsSocket))]
    public Task<IResult> SubscribeEventsSocket(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.EventsLiveSocket)] HttpRequest req) =>
        http.RunAsync(nameof(SubscribeEventsSocket), req);
}
