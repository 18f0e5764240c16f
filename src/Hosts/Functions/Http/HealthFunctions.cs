using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Probes, stats and the OpenAPI document. Liveness, readiness and the document are anonymous so probes and
/// tooling need no key; <c>Stats</c> needs it like every other route.
/// </summary>
public sealed class HealthFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(Health))]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Health)] HttpRequest req) =>
        http.RunAsync(nameof(Health), req);

    [Function(nameof(Ready))]
    public Task<IResult> Ready(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Ready)] HttpRequest req) =>
        http.RunAsync(nameof(Ready), req);

    [Function(nameof(Stats))]
    public Task<IResult> Stats(
        [HttpTrigger(AuthorizationLevel.Function, Methods.Get, Route = Templates.Stats)] HttpRequest req) =>
        http.RunAsync(nameof(Stats), req);

    [Function(nameof(OpenApi))]
    public Task<IResult> OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.OpenApi)] HttpRequest req) =>
        http.RunAsync(nameof(OpenApi), req);
}
