using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.LocalHost;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>The routes the local host actually maps, read from its endpoint data sources (the app is built, never started).</summary>
internal static class LocalHostRoutes
{
    private const string Prefix = "/api/";

    public static async Task<IReadOnlyList<LocalRoute>> ReadAsync()
    {
        // Building does not connect; the connection string only has to be present.
        await using var app = LocalHostApp.Build([], new Dictionary<string, string?> { ["Postgres:ConnectionString"] = "Host=127.0.0.1;Database=x" });
        var anonymous = ApiRoutes.All.ToDictionary(r => r.Name, r => r.Anonymous, StringComparer.Ordinal);
        // The app's own data sources: the DI-wide EndpointDataSource is only filled once the pipeline is built.
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint =>
            {
                var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint.DisplayName ?? "(unnamed)";
                var raw = endpoint.RoutePattern.RawText ?? "";
                var template = raw.StartsWith(Prefix, StringComparison.Ordinal) ? raw[Prefix.Length..] : raw;
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any)"];
                return methods.Select(method => new LocalRoute(name, method, template, anonymous.TryGetValue(name, out var a) ? a : null));
            })
            .ToList();
    }
}
