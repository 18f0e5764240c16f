using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using EsTelemetry = Serverless.EventSourcing.Diagnostics.Telemetry;

namespace Serverless.EventSourcing.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry as both hosts set it up: the framework's meter and spans, ASP.NET Core's HTTP spans and metrics, and
/// Npgsql's SQL spans, so a trace runs HTTP → command → SQL with the correlation id on it. Exporters are the host's
/// choice (Prometheus locally, Azure Monitor in Azure); OTLP is added here whenever <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetryRegistration
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <param name="useOtlp">False when the host exports elsewhere (OTLP and Azure Monitor cannot both be the exporter).</param>
    public static IOpenTelemetryBuilder AddServerlessEventSourcingTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName, bool useOtlp = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(new MetricsOptions
        {
            KeyRequired = bool.TryParse(configuration["Metrics:KeyRequired"], out var required) && required,
            SampleInterval = TimeSpan.FromSeconds(EventSourcingSettings.Int(configuration, "Metrics:SampleSeconds", 5, min: 1)),
        });
        services.AddHostedService<ProjectionMetricsSampler>();
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m.AddMeter(EsTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithTracing(t => t.AddSource(EsTelemetry.Name).AddAspNetCoreInstrumentation().AddNpgsql());
        if (useOtlp && !string.IsNullOrEmpty(configuration[OtlpEndpointSetting]))
        {
            builder.UseOtlpExporter();
        }

        return builder;
    }
}

/// <summary>Settings under <c>Metrics</c>.</summary>
public sealed record MetricsOptions
{
    /// <summary>The scrape endpoint wants the API key (<c>Metrics__KeyRequired</c>); open like the probes otherwise.</summary>
    public bool KeyRequired { get; init; }

    /// <summary>How often projection lag and parked counts are read for the gauges (<c>Metrics__SampleSeconds</c>).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);
}
