using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Hosting.Http;

namespace Serverless.EventSourcing.LocalHost;

/// <summary>Maps every route of <see cref="ApiRoutes"/> under <c>/api</c> to the shared HTTP adapter; nothing decided here.</summary>
public static class ApiEndpointMapping
{
    public static void MapServerlessEventSourcingApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var route in ApiRoutes.All)
        {
            endpoints.MapMethods($"/{ApiRoutes.Prefix}/{route.Template}", [route.Method.ToUpperInvariant()], (HttpRequest request, ApiDispatcher dispatcher) => dispatcher.DispatchAsync(route.Name, request))
                .WithName(route.Name)
                .WithSummary(route.Summary);
        }

        // Unknown paths and wrong methods go through the dispatcher too, so the key is checked before 404/405 is told.
        var fallback = ApiRoutes.Fallback;
        endpoints.MapFallback($"/{ApiRoutes.Prefix}/{fallback.Template}", (HttpRequest request, ApiDispatcher dispatcher) => dispatcher.DispatchAsync(fallback.Name, request));
    }
}
