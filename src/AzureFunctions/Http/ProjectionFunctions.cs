using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Projection routes of <c>ApiRoutes.All</c>: status and lag, rebuild, parked events.</summary>
public sealed class ProjectionFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(ListProjections))]
    public Task<IResult> ListProjections(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Projections)] HttpRequest req) =>
        http.RunAsync(nameof(ListProjections), req);

    [Function(nameof(GetProjection))]
    public Task<IResult> GetProjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Projection)] HttpRequest req) =>
        http.RunAsync(nameof(GetProjection), req);

    [Function(nameof(RebuildProjection))]
    public Task<IResult> RebuildProjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.ProjectionRebuild)] HttpRequest req) =>
        http.RunAsync(nameof(RebuildProjection), req);

    [Function(nameof(ListParkedEvents))]
    public Task<IResult> ListParkedEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.ParkedEvents)] HttpRequest req) =>
        http.RunAsync(nameof(ListParkedEvents), req);

    [Function(nameof(RetryParkedEvent))]
    public Task<IResult> RetryParkedEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.ParkedEventRetry)] HttpRequest req) =>
        http.RunAsync(nameof(RetryParkedEvent), req);

    [Function(nameof(SkipParkedEvent))]
    public Task<IResult> SkipParkedEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.ParkedEventSkip)] HttpRequest req) =>
        http.RunAsync(nameof(SkipParkedEvent), req);
}
