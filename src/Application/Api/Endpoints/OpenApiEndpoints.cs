using System.Net;
using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Serves an OpenAPI 3 document generated from the route table, so both hosts describe exactly the
/// routes they serve (ASP.NET's generator would only see the local host).
/// </summary>
public sealed partial class OpenApiEndpoints(Modules.ReadRoutes readRoutes) : IApiEndpoints
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
            .Concat(readRoutes.All.Select(r => new ApiRoute("Read " + r.Template, ApiRoutes.Methods.Get, "read/" + r.Template, r.Summary)));
        var paths = routes
            .GroupBy(r => "/api/" + r.Template)
            .ToDictionary(
                g => g.Key,
                g => (object)g.ToDictionary(
                    r => r.Method.ToLowerInvariant(),
                    r => (object)new
                    {
                        operationId = r.Name,
                        summary = r.Summary,
                        parameters = Parameter().Matches(r.Template).Select(m => new { name = m.Groups[1].Value, @in = "path", required = true, schema = new { type = "string" } }),
                        security = r.Anonymous ? [] : new[] { new Dictionary<string, string[]> { ["functionKey"] = [] } },
                        responses = new Dictionary<string, object> { ["default"] = new { description = "JSON, or application/problem+json on errors" } },
                    }));
        return new
        {
            openapi = "3.0.3",
            info = new { title = "Serverless.EventSourcing", version = "1.0" },
            components = new { securitySchemes = new { functionKey = new { type = "apiKey", @in = "header", name = "x-functions-key" } } },
            paths,
        };
    }

    [GeneratedRegex("{([A-Za-z]+)}")]
    private static partial Regex Parameter();
}
