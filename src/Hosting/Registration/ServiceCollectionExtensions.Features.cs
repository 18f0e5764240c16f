using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Api.Endpoints;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Maintenance;
using Serverless.EventSourcing.Postgres.Maintenance;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Postgres.Sagas;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Postgres;
using Serverless.EventSourcing.Postgres.Commands;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Schema;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Redis;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Hosting;

public static partial class ServiceCollectionExtensions
{
    private static IServiceCollection AddProjections(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new ProjectionOptions
        {
            HorizonAlert = TimeSpan.FromSeconds(EventSourcingSettings.Int(configuration, "Projections:HorizonAlertSeconds", 10, min: 1)),
        });
        services.AddSingleton<ProjectionDispatcher>();
        services.AddSingleton<IProjectionDispatcher>(sp => sp.GetRequiredService<ProjectionDispatcher>());
        services.AddSingleton<PostgresParkedMessages>();
        services.AddSingleton<IParkedMessages>(sp => sp.GetRequiredService<PostgresParkedMessages>());
        services.AddSingleton<KafkaBatchHandler>();
        services.AddSingleton<ProjectionCatchUp>();
        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton<ProjectionStatus>();
        services.AddSingleton<DeadLetters>();
        services.AddSingleton<ProjectionAdmin>();
        services.AddSingleton<IProjectionAdmin>(sp => sp.GetRequiredService<ProjectionAdmin>());
        services.AddSingleton<IStatsContributor>(sp => sp.GetRequiredService<ProjectionAdmin>());
        services.AddSingleton<IReadModelQueries, PostgresReadModelQueries>();
        services.AddHostedService<RegisterProjectionsOnStartup>();
        return services;
    }

    private static IServiceCollection AddSagas(this IServiceCollection services)
    {
        services.AddSingleton<SagaCatalog>();
        services.AddSingleton<SagaExecutor>();
        services.AddSingleton<SagaService>();
        services.AddSingleton<PostgresSagaRuns>();
        services.AddSingleton<LocalSagaRunner>();
        // The local engine; the Azure Functions host replaces it with its Durable Functions engine.
        services.AddSingleton<ISagaEngine>(sp => sp.GetRequiredService<PostgresSagaRuns>());
        return services;
    }

    private static IServiceCollection AddMaintenance(this IServiceCollection services, EventSourcingSettings settings, IConfiguration configuration)
    {
        services.AddSingleton(new JobOptions
        {
            MaxDuration = TimeSpan.FromSeconds(EventSourcingSettings.Int(configuration, "Jobs:MaxDurationSeconds", 30, min: 1)),
            SnapshotThreshold = settings.SnapshotPolicy.EveryEvents ?? 100,
            KeepSnapshotsPerStream = settings.SnapshotsKeepPerStream,
            TombstonedStreamRetention = TimeSpan.FromDays(EventSourcingSettings.Int(configuration, "Retention:TombstonedStreamDays", 30, min: 0)),
            DeadLetterRetention = TimeSpan.FromDays(EventSourcingSettings.Int(configuration, "Retention:DeadLetterDays", 30, min: 0)),
            SagaStateRetention = TimeSpan.FromDays(EventSourcingSettings.Int(configuration, "Retention:SagaStateDays", 30, min: 0)),
        });
        services.AddSingleton<IMaintenanceStore, MaintenanceStore>();
        // The archiver and the archive storage are registered only when an archive is configured; their parameters default to null.
        services.AddSingleton<MaintenanceJobs>();
        services.AddSingleton<IStatsContributor>(sp => sp.GetRequiredService<MaintenanceJobs>());
        return services;
    }

    private static IServiceCollection AddHttpApi(this IServiceCollection services, EventSourcingSettings settings, IConfiguration configuration)
    {
        services.AddSingleton(settings.Api);
        var auth = AuthSettings.From(configuration);
        services.AddSingleton(auth);
        services.AddHostedService<WarnWhenOpenOnStartup>();
        services.AddSingleton(new ApiKeyRing(auth.Keys));
        if (auth.TokensEnabled)
        {
            services.AddSingleton<BearerTokenValidator>();
            services.AddSingleton<IReadinessCheck, TokenIssuerReadinessCheck>();
        }

        services.AddSingleton(sp => new RequestAuthenticator(auth, sp.GetRequiredService<ApiKeyRing>(), sp.GetService<BearerTokenValidator>()));
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IApiEndpoints, StreamEndpoints>();
        services.AddSingleton<IApiEndpoints, EventEndpoints>();
        services.AddSingleton<IApiEndpoints, AggregateEndpoints>();
        services.AddSingleton<IApiEndpoints, SnapshotEndpoints>();
        services.AddSingleton<IApiEndpoints, HealthEndpoints>();
        services.AddSingleton<IApiEndpoints, ProjectionEndpoints>();
        services.AddSingleton<IApiEndpoints, ReadModelEndpoints>();
        services.AddSingleton<IApiEndpoints, SagaEndpoints>();
        services.AddSingleton<IApiEndpoints, OpenApiEndpoints>();
        services.AddSingleton<IApiEndpoints, SubjectEndpoints>();
        services.AddSingleton<ApiDispatcher>();
        return services;
    }

    private static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddSingleton<IReadinessCheck, PostgresReadinessCheck>();
        services.AddSingleton<IReadinessCheck, RedisReadinessCheck>();
        services.AddSingleton<IReadinessCheck, LogHorizonReadinessCheck>();
        services.AddSingleton<IStatsContributor, StoreStatsContributor>();
        return services;
    }
}
