using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Hosting.Http;

namespace Serverless.EventSourcing.Hosting.Telemetry;

/// <summary>
/// Who may scrape the metrics endpoint: anyone (like the probes), or with <c>Metrics:KeyRequired</c> only a principal
/// with <c>operate</c> (a key or a bearer token, checked as every API route checks them).
/// </summary>
public static class MetricsGate
{
    /// <summary>True to go on; otherwise a 401 problem has been written.</summary>
    public static async Task<bool> AdmitAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.RequestServices.GetRequiredService<MetricsOptions>();
        var dispatcher = context.RequestServices.GetRequiredService<ApiDispatcher>();
        if (!options.KeyRequired)
        {
            return true;
        }

        var request = new ApiRequest
        {
            Method = context.Request.Method,
            Path = context.Request.Path.ToString(),
            Headers = context.Request.Headers.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        };
        if (await dispatcher.IsAllowedAsync(request, Permission.Operate, context.RequestAborted))
        {
            return true;
        }

        var correlationId = Guid.NewGuid().ToString();
        var problem = Problem.Unauthorized("Metrics:KeyRequired is on: send a credential (x-functions-key or Authorization: Bearer) of a principal with the 'operate' permission.");
        await HttpApi.WriteAsync(context, ApiDispatcher.ProblemResponse(problem, request, correlationId).With("x-correlation-id", correlationId));
        return false;
    }
}
