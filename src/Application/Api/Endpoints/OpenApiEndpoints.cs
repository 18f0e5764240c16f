using System.Net;
using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Serves an OpenAPI 3 document generated from the route table, so both hosts describe exactly the
/// routes they serve (ASP.NET's generator would only see the local host).
/// </summary>
public sealed partial class OpenApiEndpoints(Modules.ReadRoutes readRoutes, Security.AuthOptions auth) : IApiEndpoints
{
    private object? _document;

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["OpenApi"] = _ => Task.FromResult(ApiResponse.Of(HttpStatusCode.OK, _document ??= Build()));
    }

    private object Build()
    {
        // The modules' read routes are served by read/{*path}; the document lists each of them instead.
        var routes = ApiRoutes.All.Where(r => r.Template != ApiRoutes.Templates.ReadModel)
            .Concat(readRoutes.All.Select(r => new ApiRoute("Read " + r.Template, ApiRoutes.Methods.Get, "read/" + r.Template, $"{r.Summary} (needs {r.Access.Description})") { Permission = Security.Permission.Read }));
        var paths = routes
            .GroupBy(r => "/api/" + r.Template)
            .ToDictionary(
                g => g.Key,
                g => (object)g.ToDictionary(
                    r => r.Method.ToLowerInvariant(),
                    r => (object)Operation(r, new Dictionary<string, object?>
                    {
                        ["operationId"] = r.Name,
                        ["summary"] = r.Summary,
                        ["parameters"] = Parameter().Matches(r.Template).Select(m => new { name = m.Groups[1].Value, @in = "path", required = true, schema = new { type = "string" } }),
                        ["security"] = r.Anonymous ? [] : new[] { new Dictionary<string, string[]> { ["functionKey"] = [] }, new Dictionary<string, string[]> { ["bearer"] = [] } },
                        ["responses"] = Responses(r),
                    })));
        return new
        {
            openapi = "3.0.3",
            info = new { title = "Serverless.EventSourcing", version = "1.0" },
            components = new
            {
                securitySchemes = new Dictionary<string, object>
                {
                    ["functionKey"] = new { type = "apiKey", @in = "header", name = "x-functions-key", description = "A named API key (or the legacy Api__Key)." },
                    ["bearer"] = new
                    {
                        type = "http",
                        scheme = "bearer",
                        bearerFormat = "JWT",
                        description = auth.Authority is { } authority
                            ? $"An access token of {authority} for {string.Join(" or ", auth.Audiences)}; the live routes also take it as ?access_token=."
                            : "An OAuth 2.0 access token (not enabled on this deployment: Auth__Authority is not set).",
                    },
                },
            },
            paths,
        };
    }

    /// <summary>Adds <c>x-permission</c>: what the route needs (its category and ownership are checked on what it touches).</summary>
    private static Dictionary<string, object?> Operation(ApiRoute route, Dictionary<string, object?> operation)
    {
        if (route.Permission is { } permission)
        {
            operation["x-permission"] = Security.Permissions.Name(permission);
        }

        return operation;
    }

    private static Dictionary<string, object> Responses(ApiRoute route)
    {
        var responses = new Dictionary<string, object> { ["default"] = new { description = "JSON, or application/problem+json on errors" } };
        if (!route.Anonymous)
        {
            responses["401"] = new { description = "No valid credential (problem+json; WWW-Authenticate says why, per RFC 6750)" };
        }

        if (route.Permission is not null)
        {
            responses["403"] = new { description = "The principal lacks the permission (problem+json naming it); a stream it could reach only by owning it is 404" };
        }

        return responses;
    }

    [GeneratedRegex("{([A-Za-z]+)}")]
    private static partial Regex Parameter();
}
