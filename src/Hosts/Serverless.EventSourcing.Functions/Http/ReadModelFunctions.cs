using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Read-model routes of <c>ApiRoutes.All</c>.</summary>
public sealed class ReadModelFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(GetAccountBalance))]
    public Task<HttpResponseData> GetAccountBalance(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "read/accounts/{id}")] HttpRequestData req, string id) =>
        http.RunAsync(nameof(GetAccountBalance), req);

    [Function(nameof(GetAccountStatement))]
    public Task<HttpResponseData> GetAccountStatement(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "read/accounts/{id}/statement")] HttpRequestData req, string id) =>
        http.RunAsync(nameof(GetAccountStatement), req);

    [Function(nameof(GetDailyTotals))]
    public Task<HttpResponseData> GetDailyTotals(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "read/daily-totals")] HttpRequestData req) =>
        http.RunAsync(nameof(GetDailyTotals), req);
}
