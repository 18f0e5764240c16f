using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.EventSourcing.Functions.Harness;

/// <summary>The Functions app's services over given settings, as the worker host builds them (hosted services not run).</summary>
public static class AppServices
{
    public static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddFunctionsApp(configuration, Serverless.EventSourcing.Functions.App.AppModules.All);
        return services.BuildServiceProvider();
    }
}
