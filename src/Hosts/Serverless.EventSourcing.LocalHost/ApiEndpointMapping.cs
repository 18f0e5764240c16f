using Serverless.EventSourcing.Application.Api;

namespace Serverless.EventSourcing.LocalHost;

/// <summary>Maps every route of <see cref="ApiRoutes"/> under <c>/api</c> to the dispatcher: HttpContext in, ApiResponse out, nothing decided here.</summary>
public static class ApiEndpointMapping
{
    public static void MapServerlessEventSourcingApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var route in ApiRoutes.All)
        {
            endpoints.MapMethods("/api/" + route.Template, [route.Method], context => HandleAsync(route.Name, context))
                .WithName(route.Name)
                .WithSummary(route.Summary);
        }
    }

    private static async Task HandleAsync(string routeName, HttpContext context)
    {
        var dispatcher = context.RequestServices.GetRequiredService<ApiDispatcher>();
        var request = new ApiRequest
        {
            Method = context.Request.Method,
            Path = context.Request.Path + context.Request.QueryString,
            RouteValues = context.Request.RouteValues.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? ""),
            Query = context.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Headers = context.Request.Headers.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = context.Request.Body,
        };
        var response = await dispatcher.DispatchAsync(routeName, request, context.RequestAborted);
        await WriteAsync(context.Response, response);
    }

    internal static async Task WriteAsync(HttpResponse http, ApiResponse response)
    {
        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        if (response.ContentType is not null)
        {
            http.ContentType = response.ContentType;
            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body);
        }
    }
}
