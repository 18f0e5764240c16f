using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Probes, stats and the OpenAPI document. Liveness, readiness and the document are anonymous so probes and
/// tooling need no key; <c>Stats</c> needs it like every other route.
/// </summary>
public sealed class HealthFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(Health))]
    public Task<HttpResponseData> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData req) =>
        http.RunAsync(nameof(Health), req);

    [Function(nameof(Ready))]
    public Task<HttpResponseData> Ready(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ready")] HttpRequestData req) =>
        http.RunAsync(nameof(Ready), req);

    [Function(nameof(Stats))]
    public Task<HttpResponseData> Stats(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "stats")] HttpRequestData req) =>
        http.RunAsync(nameof(Stats), req);

    [Function(nameof(OpenApi))]
    public Task<HttpResponseData> OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequestData req) =>
        http.RunAsync(nameof(OpenApi), req);
}
