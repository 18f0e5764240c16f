using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Snapshot routes of <c>ApiRoutes.All</c>.</summary>
public sealed class SnapshotFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(GetSnapshot))]
    public Task<IResult> GetSnapshot(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Snapshot)] HttpRequest req) =>
        http.RunAsync(nameof(GetSnapshot), req);

    [Function(nameof(TakeSnapshot))]
    public Task<IResult> TakeSnapshot(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.Snapshot)] HttpRequest req) =>
        http.RunAsync(nameof(TakeSnapshot), req);
}
