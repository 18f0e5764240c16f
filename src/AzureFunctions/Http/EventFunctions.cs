using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Global-log routes of <c>ApiRoutes.All</c>: queries and replay.</summary>
public sealed class EventFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(QueryEvents))]
    public Task<IResult> QueryEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Events)] HttpRequest req) =>
        http.RunAsync(nameof(QueryEvents), req);

    [Function(nameof(Replay))]
    public Task<IResult> Replay(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.Replay)] HttpRequest req) =>
        http.RunAsync(nameof(Replay), req);
}
