using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Aggregate routes of <c>ApiRoutes.All</c>: commands and state.</summary>
public sealed class AggregateFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(ExecuteCommand))]
    public Task<IResult> ExecuteCommand(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.Command)] HttpRequest req) =>
        http.RunAsync(nameof(ExecuteCommand), req);

    [Function(nameof(GetAggregate))]
    public Task<IResult> GetAggregate(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Aggregate)] HttpRequest req) =>
        http.RunAsync(nameof(GetAggregate), req);
}
