using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>Data-subject routes of <c>ApiRoutes.All</c>: a subject's key state, its erasure, master-key re-wrapping.</summary>
public sealed class SubjectFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(GetSubject))]
    public Task<IResult> GetSubject(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.Subject)] HttpRequest req) =>
        http.RunAsync(nameof(GetSubject), req);

    [Function(nameof(EraseSubject))]
    public Task<IResult> EraseSubject(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Delete, Route = Templates.Subject)] HttpRequest req) =>
        http.RunAsync(nameof(EraseSubject), req);

    [Function(nameof(RewrapSubjectKeys))]
    public Task<IResult> RewrapSubjectKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Post, Route = Templates.SubjectKeysRewrap)] HttpRequest req) =>
        http.RunAsync(nameof(RewrapSubjectKeys), req);
}
