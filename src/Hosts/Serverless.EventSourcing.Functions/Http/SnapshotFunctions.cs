using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Snapshot routes of <c>ApiRoutes.All</c>.</summary>
public sealed class SnapshotFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(GetSnapshot))]
    public Task<HttpResponseData> GetSnapshot(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "snapshots/{streamId}")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(GetSnapshot), req);

    [Function(nameof(TakeSnapshot))]
    public Task<HttpResponseData> TakeSnapshot(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "snapshots/{streamId}")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(TakeSnapshot), req);
}
