using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Functions.Tests.Metadata;

namespace Serverless.EventSourcing.Functions.Tests.Hosts;

/// <summary>
/// The built Functions app's HTTP functions behind real HTTP, routed the way the Functions host routes them: from
/// the generated functions.metadata (route under <c>api/</c>, methods; a catch-all loses to literal routes). Each
/// request runs the function's entry point on an instance of its class from the app's own registration
/// (<see cref="FunctionsAppServices.AddFunctionsApp"/>), with the real <see cref="HttpRequest"/>, and writes the
/// returned <see cref="IResult"/> as the ASP.NET Core integration does. Host-level function keys are not emulated;
/// the API's own key check (<c>Api:Key</c>) applies as in Azure.
/// </summary>
public class FunctionsAppHost : ApiHost
{
    protected override WebApplication Build(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddFunctionsApp(builder.Configuration, Serverless.EventSourcing.Functions.App.AppModules.All);
        ConfigureServices(builder.Services, builder.Configuration);
        var app = builder.Build();
        foreach (var function in FunctionsMetadata.Load().Where(f => f.Trigger.Type == "httpTrigger"))
        {
            var method = FunctionInvoker.EntryPoint(function);
            var pattern = $"/api/{function.Trigger.Route}";
            RequestDelegate handler = context => InvokeAsync(method, context);
            if (function.Trigger.Methods.Count == 0)
            {
                app.Map(pattern, handler);
            }
            else
            {
                app.MapMethods(pattern, function.Trigger.Methods.Select(m => m.ToUpperInvariant()), handler);
            }
        }

        return app;
    }

    /// <summary>Tests that need more (a Durable client) add it here.</summary>
    protected virtual void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    private static async Task InvokeAsync(MethodInfo method, HttpContext context)
    {
        var result = await FunctionInvoker.InvokeAsync<IResult>(method, context.RequestServices, context.RequestAborted, context.Request);
        await result.ExecuteAsync(context);
    }
}
