using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Functions;
using Serverless.EventSourcing.Hosting.Telemetry;
using Serverless.EventSourcing.Functions.App;

// FunctionsApplication.CreateBuilder applies the worker defaults; ConfigureFunctionsWebApplication adds the
// ASP.NET Core integration, so HTTP triggers get the real HttpRequest and can stream responses. The functions come from
// the Serverless.EventSourcing.AzureFunctions library; this app chooses the domains it serves (AppModules).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration, AppModules.All);

// The shared metrics and spans (HTTP → command → SQL). Azure Monitor when its connection string is set (the exporter
// reads APPLICATIONINSIGHTS_CONNECTION_STRING itself; host-side telemetry is set in host.json), OTLP otherwise when
// OTEL_EXPORTER_OTLP_ENDPOINT is set.
var azureMonitor = !string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
var telemetry = builder.Services.AddServerlessEventSourcingTelemetry(builder.Configuration, "serverless-eventsourcing-functions", useOtlp: !azureMonitor).UseFunctionsWorkerDefaults();
if (azureMonitor)
{
    telemetry.UseAzureMonitorExporter();
}

builder.Build().Run();
