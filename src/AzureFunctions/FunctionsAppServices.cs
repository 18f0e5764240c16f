using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.EventSourcing.Functions.Http;
using Serverless.EventSourcing.Functions.Sagas;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Hosting;
using Serverless.EventSourcing.Kafka;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Functions;

/// <summary>
/// Everything the function classes need: the shared registration plus the Azure-only delivery (Kafka publisher,
/// Durable saga engine). A Functions app's Program.cs calls it with the domain modules it serves, and so do the tests
/// that execute the function classes.
/// </summary>
public static class FunctionsAppServices
{
    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration, IEnumerable<IDomainModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        services.AddServerlessEventSourcing(configuration, [.. modules], PostgresEntraToken.Provider());
        services.AddSingleton<FunctionsHttpAdapter>();
        services.AddSingleton(sp => KafkaSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IEventPublisher, KafkaEventPublisher>();
        services.AddSingleton<EventRelay>();
        if (!string.IsNullOrEmpty(configuration["Kafka:BootstrapServers"]))
        {
            services.AddHostedService<KafkaFastPath>();
        }

        // Replaces the shared registration's local engine (the last registration wins): sagas run as Durable orchestrations.
        services.AddSingleton<ISagaEngine, DurableSagaEngine>();
        return services;
    }
}
