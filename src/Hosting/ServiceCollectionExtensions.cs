using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Api.Endpoints;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Maintenance;
using Serverless.EventSourcing.Postgres.Maintenance;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Postgres.Sagas;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Postgres;
using Serverless.EventSourcing.Postgres.Commands;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Schema;
using Serverless.EventSourcing.Postgres.Snapshots;
using Serverless.EventSourcing.Redis;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The one registration both hosts call, so they wire the same object graph. Hosts add only their
    /// trigger plumbing (and, in Azure, the Entra token provider for PostgreSQL).
    /// </summary>
    /// <param name="modules">The domains this host serves (their aggregates, projections, sagas and read routes).</param>
    /// <param name="postgresTokenProvider">Required when <c>Postgres:UseEntraAuthentication</c> is true.</param>
    public static IServiceCollection AddServerlessEventSourcing(
        this IServiceCollection services,
        IConfiguration configuration,
        IEnumerable<IDomainModule> modules,
        Func<CancellationToken, ValueTask<string>>? postgresTokenProvider = null)
    {
        var settings = EventSourcingSettings.From(configuration);
        if (settings.PostgresUseEntraAuthentication && postgresTokenProvider is null)
        {
            throw new InvalidOperationException("Postgres:UseEntraAuthentication is true but the host supplied no token provider.");
        }

        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => PostgresDataSource.Create(settings.PostgresConnectionString, settings.PostgresUseEntraAuthentication ? postgresTokenProvider : null, settings.PostgresMaxAutoPrepare, settings.PostgresMaxPoolSize));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<IOutageDetector, PostgresOutages>();
        services.AddHostedService<MigrateOnStartup>();

        services.AddSingleton(new EventStoreLimits { MaxEventBytes = (int)Math.Min(settings.Api.MaxBodyBytes, int.MaxValue) });
        services.AddSingleton<AppendSignal>();
        services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreLimits>(), sp.GetRequiredService<AppendSignal>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<PostgresStoreStats>();
        services.AddSingleton<ICommandStore, PostgresCommandStore>();

        services.AddSingleton(sp => new RedisSnapshotCache(settings.Redis, sp.GetRequiredService<ILogger<RedisSnapshotCache>>()));
        services.AddSingleton(sp => new PostgresSnapshotStore(sp.GetRequiredService<NpgsqlDataSource>(), settings.SnapshotsKeepPerStream));
        services.AddSingleton<ISnapshotStore>(sp => settings.Redis.ConnectionString.Length > 0
            ? new CachingSnapshotStore(sp.GetRequiredService<PostgresSnapshotStore>(), sp.GetRequiredService<RedisSnapshotCache>())
            : sp.GetRequiredService<PostgresSnapshotStore>());

        services.AddDomainModules(modules);
        services.AddSingleton<AggregateRepository>();
        services.AddSingleton(new CommandOptions { SnapshotPolicy = settings.SnapshotPolicy, IdempotencyKeyLifetime = settings.IdempotencyKeyLifetime });
        services.AddSingleton<CommandPipeline>();

        services.AddSingleton(new ProjectionOptions());
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

        services.AddSingleton<SagaCatalog>();
        services.AddSingleton<SagaExecutor>();
        services.AddSingleton<SagaService>();
        services.AddSingleton<PostgresSagaRuns>();
        services.AddSingleton<LocalSagaRunner>();
        // The local engine; the Azure Functions host replaces it with its Durable Functions engine.
        services.AddSingleton<ISagaEngine>(sp => sp.GetRequiredService<PostgresSagaRuns>());

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
        services.AddSingleton<MaintenanceJobs>();
        services.AddSingleton<IStatsContributor>(sp => sp.GetRequiredService<MaintenanceJobs>());

        services.AddSingleton(settings.Api);
        services.AddSingleton<IApiEndpoints, StreamEndpoints>();
        services.AddSingleton<IApiEndpoints, EventEndpoints>();
        services.AddSingleton<IApiEndpoints, AggregateEndpoints>();
        services.AddSingleton<IApiEndpoints, SnapshotEndpoints>();
        services.AddSingleton<IApiEndpoints, HealthEndpoints>();
        services.AddSingleton<IApiEndpoints, ProjectionEndpoints>();
        services.AddSingleton<IApiEndpoints, ReadModelEndpoints>();
        services.AddSingleton<IApiEndpoints, SagaEndpoints>();
        services.AddSingleton<IApiEndpoints, OpenApiEndpoints>();
        services.AddSingleton<ApiDispatcher>();

        services.AddSingleton<IReadinessCheck, PostgresReadinessCheck>();
        services.AddSingleton<IReadinessCheck, RedisReadinessCheck>();
        services.AddSingleton<LogHorizon>();
        services.AddSingleton<IReadinessCheck, LogHorizonReadinessCheck>();
        services.AddSingleton<IStatsContributor, StoreStatsContributor>();
        return services;
    }
}
