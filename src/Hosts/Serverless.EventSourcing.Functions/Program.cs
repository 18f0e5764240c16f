using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Functions;
using Serverless.EventSourcing.Functions.Http;
using Serverless.EventSourcing.Functions.Kafka;
using Serverless.EventSourcing.Functions.Sagas;
using Serverless.EventSourcing.Hosting;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Sagas;

// FunctionsApplication.CreateBuilder already applies the worker defaults; do not call ConfigureFunctionsWorkerDefaults.
var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddServerlessEventSourcing(builder.Configuration, PostgresEntraToken.Provider());
builder.Services.AddSingleton<FunctionsHttpAdapter>();
builder.Services.AddSingleton<IEventPublisher, KafkaEventPublisher>();
builder.Services.AddSingleton<EventRelay>();
// Replaces the shared registration's local engine (the last registration wins): sagas run as Durable orchestrations.
builder.Services.AddSingleton<ISagaEngine, DurableSagaEngine>();

if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // The exporter reads APPLICATIONINSIGHTS_CONNECTION_STRING itself; host-side telemetry is set in host.json.
    builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults().UseAzureMonitorExporter();
}

builder.Build().Run();
