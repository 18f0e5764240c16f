using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Api.Endpoints;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Application.Messaging;
using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Maintenance;
using Serverless.EventSourcing.Postgres.Maintenance;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Postgres.Sagas;
using Serverless.EventSourcing.Sagas;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Projections;
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

/// <summary>
/// The one registration both hosts call, so they wire the same object graph, split by concern. Hosts add only their
/// trigger plumbing (and, in Azure, the Entra token provider for PostgreSQL).
/// </summary>
public static partial class ServiceCollectionExtensions
{
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
        // ASP.NET Core logs every request's full URL at Information, query string included: the live routes' access_token
        // would be written to the log. Warnings and errors still come through; the API logs its own refusals without it.
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        return services
            .AddStore(settings, postgresTokenProvider)
            .AddWriteModel(settings, modules)
            .AddProjections(configuration)
            .AddSagas()
            .AddMaintenance(settings, configuration)
            .AddHttpApi(settings, configuration)
            .AddLive(configuration)
            .AddRateLimits(configuration)
            .AddHealth();
    }

    private static IServiceCollection AddStore(this IServiceCollection services, EventSourcingSettings settings, Func<CancellationToken, ValueTask<string>>? tokenProvider)
    {
        services.AddSingleton(_ => PostgresDataSource.Create(settings.PostgresConnectionString, settings.PostgresUseEntraAuthentication ? tokenProvider : null, settings.PostgresMaxAutoPrepare, settings.PostgresMaxPoolSize));
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<IOutageDetector, PostgresOutages>();
        services.AddHostedService<MigrateOnStartup>();
        services.AddSingleton(new EventStoreLimits { MaxEventBytes = (int)Math.Min(settings.Api.MaxBodyBytes, int.MaxValue) });
        services.AddSingleton<AppendSignal>();
        services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreLimits>(), sp.GetRequiredService<AppendSignal>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<PostgresStoreStats>();
        services.AddSingleton<LogHorizon>();
        return services;
    }

    private static IServiceCollection AddWriteModel(this IServiceCollection services, EventSourcingSettings settings, IEnumerable<IDomainModule> modules)
    {
        services.AddDomainModules(modules);
        services.AddSingleton<ICommandStore, PostgresCommandStore>();
        services.AddSingleton(sp => new RedisSnapshotCache(settings.Redis, sp.GetRequiredService<ILogger<RedisSnapshotCache>>()));
        services.AddSingleton(sp => new PostgresSnapshotStore(sp.GetRequiredService<NpgsqlDataSource>(), settings.SnapshotsKeepPerStream));
        services.AddSingleton<ISnapshotStore>(sp => settings.Redis.ConnectionString.Length > 0
            ? new CachingSnapshotStore(sp.GetRequiredService<PostgresSnapshotStore>(), sp.GetRequiredService<RedisSnapshotCache>())
            : sp.GetRequiredService<PostgresSnapshotStore>());
        services.AddSingleton<AggregateRepository>();
        services.AddSingleton(new CommandOptions { SnapshotPolicy = settings.SnapshotPolicy, IdempotencyKeyLifetime = settings.IdempotencyKeyLifetime });
        services.AddSingleton<CommandPipeline>();
        return services;
    }
}
