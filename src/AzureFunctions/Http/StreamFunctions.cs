using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// Stream routes of <c>ApiRoutes.All</c>. Route values are read from the request path by the shared adapter,
/// with the same templates the local host uses, so no route parameter is bound here.
/// </summary>
public sealed class StreamFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(AppendEvents))]
    public Task<IResult> AppendEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.StreamEvents)] HttpRequest req) =>
        http.RunAsync(nameof(AppendEvents), req);

    [Function(nameof(AppendStreams))]
    public Task<IResult> AppendStreams(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.Streams)] HttpRequest req) =>
        http.RunAsync(nameof(AppendStreams), req);

    [Function(nameof(ReadStreamEvents))]
    public Task<IResult> ReadStreamEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.StreamEvents)] HttpRequest req) =>
        http.RunAsync(nameof(ReadStreamEvents), req);

    [Function(nameof(GetStream))]
    public Task<IResult> GetStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Stream)] HttpRequest req) =>
        http.RunAsync(nameof(GetStream), req);

    // HEAD is not implied by GET in the Functions host; it has its own function, as it has its own route locally.
    [Function(nameof(StreamExists))]
    public Task<IResult> StreamExists(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Head, Route = Templates.Stream)] HttpRequest req) =>
        http.RunAsync(nameof(StreamExists), req);

    [Function(nameof(GetStreamVersion))]
    public Task<IResult> GetStreamVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.StreamVersion)] HttpRequest req) =>
        http.RunAsync(nameof(GetStreamVersion), req);

    [Function(nameof(DeleteStream))]
    public Task<IResult> DeleteStream(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Delete, Route = Templates.Stream)] HttpRequest req) =>
        http.RunAsync(nameof(DeleteStream), req);

    [Function(nameof(SetStreamPolicy))]
    public Task<IResult> SetStreamPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Put, Route = Templates.StreamPolicy)] HttpRequest req) =>
        http.RunAsync(nameof(SetStreamPolicy), req);
}
