using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Hosting;
using Serverless.EventSourcing.Hosting.Http;
using Serverless.EventSourcing.Hosting.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Serverless.EventSourcing.LocalHost.Background;

namespace Serverless.EventSourcing.LocalHost;

/// <summary>The local host: the same routes under <c>/api</c> as the Functions app, on http://127.0.0.1:7071 by default, serving the modules an app passes.</summary>
public static class LocalHostApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <param name="modules">The domains to serve.</param>
    /// <param name="overrides">Settings applied last (tests use them to point at their own servers).</param>
    public static WebApplication Build(string[] args, IReadOnlyList<IDomainModule> modules, IDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var builder = WebApplication.CreateBuilder(args);
        // Same keys as the Functions app settings: local.settings.json "Values" first, then the environment, then the command line.
        builder.Configuration.AddLocalSettingsJson(Environment.GetEnvironmentVariable("LOCAL_SETTINGS_PATH") ?? Path.Combine(builder.Environment.ContentRootPath, "local.settings.json"));
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var cors = ApiCors.Policy(builder.Configuration);
        if (cors is not null)
        {
            builder.Services.AddCors(o => o.AddPolicy(ApiCors.PolicyName, cors));
        }

        builder.Services.AddServerlessEventSourcing(builder.Configuration, modules);
        builder.Services.AddLocalBackgroundWork(builder.Configuration);
        // Metrics scraped at /metrics; traces and metrics to OTLP too when OTEL_EXPORTER_OTLP_ENDPOINT is set.
        builder.Services.AddServerlessEventSourcingTelemetry(builder.Configuration, "serverless-eventsourcing-localhost").WithMetrics(m => m.AddPrometheusExporter());

        var app = builder.Build();
        if (cors is not null)
        {
            // First, so refusals and problems carry the headers too, and a preflight is answered before any route.
            app.UseCors(ApiCors.PolicyName);
        }

        app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
        // The live routes' WebSocket variants (Azure Functions cannot upgrade; there they answer with the SSE route).
        app.UseWebSockets();
        app.MapServerlessEventSourcingMetrics();
        app.MapServerlessEventSourcingApi();
        return app;
    }
}
