using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using static Serverless.EventSourcing.Application.Api.ApiRoutes;

namespace Serverless.EventSourcing.Functions.Http;

/// <summary>
/// <c>ApiRoutes.Fallback</c>: every method on every path under the prefix that no other function takes (the host
/// prefers literal and parameter routes over a catch-all), so unknown paths and wrong methods get the same checked
/// 404/405 problem as on the local host instead of the host's bare 404.
/// </summary>
public sealed class FallbackFunction(FunctionsHttpAdapter http)
{
    [Function(nameof(NoMatchingRoute))]
    public Task<IResult> NoMatchingRoute(
        [HttpTrigger(AuthorizationLevel.Anonymous, Route = Templates.Fallback)] HttpRequest req) =>
        http.RunAsync(nameof(NoMatchingRoute), req);
}
