using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Global-log routes of <c>ApiRoutes.All</c>: queries and replay.</summary>
public sealed class EventFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(QueryEvents))]
    public Task<HttpResponseData> QueryEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "events")] HttpRequestData req) =>
        http.RunAsync(nameof(QueryEvents), req);

    [Function(nameof(Replay))]
    public Task<HttpResponseData> Replay(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "replay")] HttpRequestData req) =>
        http.RunAsync(nameof(Replay), req);
}
