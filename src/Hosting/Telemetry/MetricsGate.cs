using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Hosting.Http;

namespace Serverless.EventSourcing.Hosting.Telemetry;

/// <summary>Who may scrape the metrics endpoint: anyone (like the probes), or with <c>Metrics:KeyRequired</c> only holders of the API key.</summary>
public static class MetricsGate
{
    /// <summary>True to go on; otherwise a 401 problem has been written.</summary>
    public static async Task<bool> AdmitAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.RequestServices.GetRequiredService<MetricsOptions>();
        var dispatcher = context.RequestServices.GetRequiredService<ApiDispatcher>();
        if (!options.KeyRequired || dispatcher.HasValidKey(context.Request.Headers["x-functions-key"].FirstOrDefault()))
        {
            return true;
        }

        var request = new ApiRequest { Method = context.Request.Method, Path = context.Request.Path + context.Request.QueryString };
        var correlationId = Guid.NewGuid().ToString();
        var problem = Problem.Of(HttpStatusCode.Unauthorized, "unauthorized", "A valid x-functions-key header is required.", "Metrics:KeyRequired is on; send the API key in the x-functions-key header.");
        await HttpApi.WriteAsync(context, ApiDispatcher.ProblemResponse(problem, request, correlationId).With("x-correlation-id", correlationId));
        return false;
    }
}
