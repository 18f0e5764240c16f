using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Projection routes of <c>ApiRoutes.All</c>: status and lag, rebuild, parked events.</summary>
public sealed class ProjectionFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(ListProjections))]
    public Task<HttpResponseData> ListProjections(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projections")] HttpRequestData req) =>
        http.RunAsync(nameof(ListProjections), req);

    [Function(nameof(GetProjection))]
    public Task<HttpResponseData> GetProjection(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projections/{name}")] HttpRequestData req, string name) =>
        http.RunAsync(nameof(GetProjection), req);

    [Function(nameof(RebuildProjection))]
    public Task<HttpResponseData> RebuildProjection(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projections/{name}/rebuild")] HttpRequestData req, string name) =>
        http.RunAsync(nameof(RebuildProjection), req);

    [Function(nameof(ListParkedEvents))]
    public Task<HttpResponseData> ListParkedEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projections/{name}/parked")] HttpRequestData req, string name) =>
        http.RunAsync(nameof(ListParkedEvents), req);

    [Function(nameof(RetryParkedEvent))]
    public Task<HttpResponseData> RetryParkedEvent(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "projections/{name}/parked/{id}/retry")] HttpRequestData req, string name, string id) =>
        http.RunAsync(nameof(RetryParkedEvent), req);
}
