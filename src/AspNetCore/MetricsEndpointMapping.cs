using OpenTelemetry.Metrics;
using Serverless.EventSourcing.Hosting.Telemetry;

namespace Serverless.EventSourcing.LocalHost;

/// <summary>The Prometheus scrape endpoint at <c>/metrics</c>, outside <c>/api</c> (no rate limit), behind <see cref="MetricsGate"/>.</summary>
public static class MetricsEndpointMapping
{
    public const string Path = "/metrics";

    public static void MapServerlessEventSourcingMetrics(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase), branch => branch.Use(async (context, next) =>
        {
            if (await MetricsGate.AdmitAsync(context))
            {
                await next(context);
            }
        }));
        app.MapPrometheusScrapingEndpoint(Path);
    }
}
