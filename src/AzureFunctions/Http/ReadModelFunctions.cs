using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// The read-model route of <c>ApiRoutes.All</c>: one function for every read route the domain modules register under
/// <c>read/</c>, so a module adds read routes without a new function.
/// </summary>
public sealed class ReadModelFunctions(FunctionsHttpAdapter http)
{
    [Function(nameof(ReadModel))]
    public Task<IResult> ReadModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, Methods.Get, Route = Templates.ReadModel)] HttpRequest req) =>
        http.RunAsync(nameof(ReadModel), req);
}
