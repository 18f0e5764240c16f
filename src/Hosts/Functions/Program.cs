using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Functions;

// FunctionsApplication.CreateBuilder applies the worker defaults; ConfigureFunctionsWebApplication adds the
// ASP.NET Core integration, so HTTP triggers get the real HttpRequest and can stream responses.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration);

if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // The exporter reads APPLICATIONINSIGHTS_CONNECTION_STRING itself; host-side telemetry is set in host.json.
    builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults().UseAzureMonitorExporter();
}

builder.Build().Run();
