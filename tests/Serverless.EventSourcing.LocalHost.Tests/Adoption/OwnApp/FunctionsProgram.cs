// A team's own Azure Functions app, built by OwnAppFromPackagesTests from the packed packages: every function comes
// from Serverless.EventSourcing.AzureFunctions; the app is this file and host.json.
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddFunctionsApp(builder.Configuration, []);
builder.Build().Run();
