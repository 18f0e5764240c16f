using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Read-model routes of <c>ApiRoutes.All</c>.</summary>
public sealed class ReadModelFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(GetAccountBalance))]
    public Task<IResult> GetAccountBalance(
        [HttpTrigger(AuthorizationLevel.Function, Methods.Get, Route = Templates.AccountBalance)] HttpRequest req) =>
        http.RunAsync(nameof(GetAccountBalance), req);

    [Function(nameof(GetAccountStatement))]
    public Task<IResult> GetAccountStatement(
        [HttpTrigger(AuthorizationLevel.Function, Methods.Get, Route = Templates.AccountStatement)] HttpRequest req) =>
        http.RunAsync(nameof(GetAccountStatement), req);

    [Function(nameof(GetDailyTotals))]
    public Task<IResult> GetDailyTotals(
        [HttpTrigger(AuthorizationLevel.Function, Methods.Get, Route = Templates.DailyTotals)] HttpRequest req) =>
        http.RunAsync(nameof(GetDailyTotals), req);
}
