using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Probes, stats and the OpenAPI document. Every HTTP function is <c>Anonymous</c> to the Functions host: the API's own
/// dispatcher authenticates (keys and bearer tokens) in both hosts, and a host-level function key would refuse token
/// callers before it runs. Liveness, readiness and the document need no credential; <c>Stats</c> needs <c>operate</c>.
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
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Stats)] HttpRequest req) =>
        http.RunAsync(nameof(Stats), req);

    [Function(nameof(OpenApi))]
    public Task<IResult> OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.OpenApi)] HttpRequest req) =>
        http.RunAsync(nameof(OpenApi), req);
}
