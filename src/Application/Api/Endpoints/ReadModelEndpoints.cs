using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// The one framework route for read models, <c>read/{*path}</c>: finds the module read route that takes the path and
/// runs it. A module adds read routes without a new route in either host.
/// </summary>
public sealed class ReadModelEndpoints(ReadRoutes routes, IReadModelQueries queries) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["ReadModel"] = ReadAsync;
    }

    private async Task<ApiResponse> ReadAsync(ApiContext context)
    {
        var path = context.Route("path");
        if (routes.Match(path) is not { } match)
        {
            return ApiResponse.Problem(Problem.NotFound($"No read route read/{path}."));
        }

        var routed = context.WithRouteValues(match.Values);
        await match.Route.Access.CheckAsync(routed);
        var response = await match.Route.Handler(routed, queries);
        context.PersonalScope = routed.PersonalScope;
        return response;
    }
}
