using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Stream routes of <c>ApiRoutes.All</c>. Route parameters are declared so the binding is visible in the
/// signature; the adapter reads them from the binding data by the route template's names.
/// </summary>
public sealed class StreamFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(AppendEvents))]
    public Task<HttpResponseData> AppendEvents(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "streams/{streamId}/events")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(AppendEvents), req);

    [Function(nameof(ReadStreamEvents))]
    public Task<HttpResponseData> ReadStreamEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "streams/{streamId}/events")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(ReadStreamEvents), req);

    [Function(nameof(GetStream))]
    public Task<HttpResponseData> GetStream(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "streams/{streamId}")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(GetStream), req);

    // HEAD is not implied by GET in the Functions host; it has its own function, as it has its own route locally.
    [Function(nameof(StreamExists))]
    public Task<HttpResponseData> StreamExists(
        [HttpTrigger(AuthorizationLevel.Function, "head", Route = "streams/{streamId}")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(StreamExists), req);

    [Function(nameof(GetStreamVersion))]
    public Task<HttpResponseData> GetStreamVersion(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "streams/{streamId}/version")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(GetStreamVersion), req);

    [Function(nameof(DeleteStream))]
    public Task<HttpResponseData> DeleteStream(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "streams/{streamId}")] HttpRequestData req, string streamId) =>
        http.RunAsync(nameof(DeleteStream), req);
}
