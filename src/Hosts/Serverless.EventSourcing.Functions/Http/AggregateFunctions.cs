using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Aggregate routes of <c>ApiRoutes.All</c>: commands and state.</summary>
public sealed class AggregateFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(ExecuteCommand))]
    public Task<HttpResponseData> ExecuteCommand(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "aggregates/{type}/{id}/commands/{command}")] HttpRequestData req,
        string type,
        string id,
        string command) =>
        http.RunAsync(nameof(ExecuteCommand), req);

    [Function(nameof(GetAggregate))]
    public Task<HttpResponseData> GetAggregate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "aggregates/{type}/{id}")] HttpRequestData req, string type, string id) =>
        http.RunAsync(nameof(GetAggregate), req);
}
