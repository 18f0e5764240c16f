using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Kafka;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>What the local host runs in place of Kafka triggers, Durable orchestrations and timers.</summary>
public static class BackgroundRegistration
{
    public static IServiceCollection AddLocalBackgroundWork(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ProjectionLoopHealth>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<ProjectionLoopHealth>());
        switch (configuration["Projections:Delivery"]?.Trim().ToLowerInvariant())
        {
            case null or "" or "log":
                services.AddHostedService<ProjectionLoops>();
                break;
            case "kafka":
                services.AddSingleton(sp => KafkaSettings.From(sp.GetRequiredService<IConfiguration>()));
                services.AddSingleton<IEventPublisher, KafkaEventPublisher>();
                services.AddSingleton<EventRelay>();
                services.AddSingleton<KafkaProjectionConsumer>();
                services.AddHostedService<KafkaDelivery>();
                break;
            default:
                throw new InvalidOperationException($"Setting Projections:Delivery must be 'log' or 'kafka', not '{configuration["Projections:Delivery"]}'.");
        }

        services.AddHostedService<RebuildDriver>();
        services.AddHostedService<SagaRunners>();
        services.AddHostedService<MaintenanceSchedule>();
        return services;
    }
}
