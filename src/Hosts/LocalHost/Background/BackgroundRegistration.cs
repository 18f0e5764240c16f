using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Projections;

namespace Serverless.EventSourcing.LocalHost.Background;

/// <summary>What the local host runs in place of Kafka triggers, Durable orchestrations and timers.</summary>
public static class BackgroundRegistration
{
    public static IServiceCollection AddLocalBackgroundWork(this IServiceCollection services)
    {
        services.AddSingleton<ProjectionLoopHealth>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<ProjectionLoopHealth>());
        services.AddHostedService<ProjectionLoops>();
        services.AddHostedService<RebuildDriver>();
        services.AddHostedService<SagaRunners>();
        services.AddHostedService<MaintenanceSchedule>();
        return services;
    }
}
