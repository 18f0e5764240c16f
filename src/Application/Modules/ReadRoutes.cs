using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.Modules;

/// <summary>Answers a read route: route values and query from <paramref name="context"/>, rows from <paramref name="queries"/>.</summary>
public delegate Task<ApiResponse> ReadRouteHandler(ApiContext context, IReadModelQueries queries);

/// <summary>A module's read route under <c>/api/read/</c>, with what a caller needs to read it.</summary>
public sealed record ReadRoute(string Template, string Summary, ReadRouteHandler Handler, ReadAccess Access)
{
    public RouteTemplate Parsed { get; } = RouteTemplate.Parse(Template);

    /// <summary>The query parameters the handler reads (for the API document; the handler still validates them).</summary>
    public IReadOnlyList<ReadParameter> Query { get; init; } = [];
}

/// <summary>Every module's read routes, served by the framework's one <c>read/{*path}</c> route in both hosts.</summary>
public sealed class ReadRoutes
{
    private readonly List<ReadRoute> _routes = [];

    public IReadOnlyList<ReadRoute> All => _routes;

    internal void Add(ReadRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (route.Access is null)
        {
            // Refused at start-up rather than served open: a read model can hold anything its projection wrote.
            throw new InvalidOperationException($"Read route '{route.Template}' states no access (ReadAccess.Stream, ReadAccess.Category or ReadAccess.Everywhere).");
        }

        if (route.Template.StartsWith('/') || _routes.Any(r => string.Equals(r.Template, route.Template, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"Read route '{route.Template}' is registered twice or starts with '/'.");
        }

        _routes.Add(route);
    }

    /// <summary>The route that takes <paramref name="path"/> (relative to <c>read/</c>), with its values; literal segments win.</summary>
    public (ReadRoute Route, Dictionary<string, string> Values)? Match(string path)
    {
        foreach (var route in _routes.OrderByDescending(r => r.Template.Count(c => c == '/')).ThenBy(r => r.Template.Count(c => c == '{')))
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (route.Parsed.TryMatch(path, values))
            {
                return (route, values);
            }
        }

        return null;
    }
}
