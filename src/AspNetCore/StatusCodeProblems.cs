using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Hosting.Http;

namespace Serverless.EventSourcing.LocalHost;

/// <summary>Gives routing's own 404/405 (no endpoint, wrong method) the same problem+json shape as everything else.</summary>
internal static class StatusCodeProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var problem = http.Response.StatusCode switch
        {
            404 => Problem.NotFound($"No route {http.Request.Method} {http.Request.Path}."),
            405 => Problem.Of(HttpStatusCode.MethodNotAllowed, "method-not-allowed", "This route does not accept that method.", $"{http.Request.Method} {http.Request.Path}"),
            _ => null,
        };
        if (problem is null)
        {
            return Task.CompletedTask;
        }

        var request = new ApiRequest { Method = http.Request.Method, Path = http.Request.Path + http.Request.QueryString };
        var correlationId = http.Request.Headers["x-correlation-id"].ToString() is { Length: > 0 } given && ApiDispatcher.IsValidCorrelationId(given) ? given : Guid.NewGuid().ToString();
        var response = ApiDispatcher.ProblemResponse(problem, request, correlationId).With("x-correlation-id", correlationId);
        return HttpApi.WriteAsync(http, response);
    }
}
