using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Postgres.Archive;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Api.Endpoints;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Application.PersonalData;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.PersonalData;
using Serverless.EventSourcing.Postgres.PersonalData;
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
    private const string RoutingCategory = "Microsoft.AspNetCore.Routing.EndpointMiddleware";

    private const string SubjectKeyPool = "subject-keys";

    /// <summary>Connections per instance for subject keys, beside <c>Postgres:MaxPoolSize</c> (README, "Connections").</summary>
    public const int SubjectKeyPoolSize = 4;

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
        services.AddLogging(logging =>
        {
            logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
            // "Executing endpoint" and "Executed endpoint" on every request cost a fifth of the HTTP path's throughput
            // (README, "Performance") and say nothing traces and metrics do not; a setting for the category still wins.
            if (configuration.GetSection("Logging:LogLevel")[RoutingCategory] is null)
            {
                logging.AddFilter(RoutingCategory, LogLevel.Warning);
            }
        });
        return services
            .AddStore(settings, postgresTokenProvider)
            .AddArchive(configuration)
            .AddWriteModel(settings, modules, configuration)
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
        services.AddHostedService<CheckPoolerOnStartup>();
        services.AddHostedService<MigrateOnStartup>();
        // Subject keys have a small pool of their own: a command fetches or makes a key while it holds its write
        // connection, so on the shared pool a burst of first-time subjects would wait on each other's connections.
        services.AddKeyedSingleton(SubjectKeyPool, (_, _) => PostgresDataSource.Create(
            settings.PostgresConnectionString, settings.PostgresUseEntraAuthentication ? tokenProvider : null, settings.PostgresMaxAutoPrepare, SubjectKeyPoolSize));
        services.AddKeyedSingleton<ISubjectKeyStore>(SubjectKeyPool, (sp, _) => new PostgresSubjectKeys(sp.GetRequiredKeyedService<NpgsqlDataSource>(SubjectKeyPool)));
        services.AddSingleton<ISubjectKeyStore>(sp => new PostgresSubjectKeys(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(new EventStoreLimits { MaxEventBytes = (int)Math.Min(settings.Api.MaxBodyBytes, int.MaxValue) });
        services.AddSingleton<AppendSignal>();
        services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreLimits>(), sp.GetRequiredService<AppendSignal>(),
            sp.GetRequiredService<ArchiveReader>(), sp.GetRequiredService<RetentionPolicies>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<PostgresStoreStats>();
        services.AddSingleton<LogHorizon>();
        return services;
    }

    private static IServiceCollection AddWriteModel(this IServiceCollection services, EventSourcingSettings settings, IEnumerable<IDomainModule> modules, IConfiguration configuration)
    {
        services.AddDomainModules(modules);
        services.AddSingleton<ICommandStore, PostgresCommandStore>();
        services.AddSingleton(sp => new RedisSnapshotCache(settings.Redis, sp.GetRequiredService<ILogger<RedisSnapshotCache>>()));
        services.AddSingleton(sp => new PostgresSnapshotStore(sp.GetRequiredService<NpgsqlDataSource>(), settings.SnapshotsKeepPerStream));
        services.AddSingleton<ISnapshotStore>(sp => settings.Redis.ConnectionString.Length > 0
            ? new CachingSnapshotStore(sp.GetRequiredService<PostgresSnapshotStore>(), sp.GetRequiredService<RedisSnapshotCache>())
            : sp.GetRequiredService<PostgresSnapshotStore>());
        services.AddSingleton<AggregateRepository>();
        services.AddSingleton(new CommandOptions
        {
            SnapshotPolicy = settings.SnapshotPolicy,
            IdempotencyKeyLifetime = settings.IdempotencyKeyLifetime,
            OptimisticWrites = settings.CommandsOptimisticWrites,
        });
        services.AddSingleton<CommandPipeline>();
        return services.AddPersonalData(configuration);
    }

    /// <summary>Per-subject encryption of declared personal fields; without declarations events pass as they are.</summary>
    private static IServiceCollection AddPersonalData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PersonalDataSettings.From(configuration));
        services.AddSingleton<MasterKeyRing>();
        services.AddSingleton(sp => new SubjectKeys(
            sp.GetRequiredService<ISubjectKeyStore>(), sp.GetRequiredKeyedService<ISubjectKeyStore>(SubjectKeyPool), sp.GetRequiredService<MasterKeyRing>(),
            sp.GetRequiredService<PersonalDataOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PersonalDataProtector>();
        services.AddSingleton<IEventProtector>(sp => sp.GetRequiredService<PersonalDataCatalog>().Any ? sp.GetRequiredService<PersonalDataProtector>() : NoEventProtection.Instance);
        services.AddSingleton<PersonalDataView>();
        services.AddSingleton<SubjectErasureService>();
        services.AddSingleton<MasterKeyRotation>();
        // After the migrations (hosted services start in order): a wrong master key stops the host here.
        services.AddHostedService<VerifyMasterKeysOnStartup>();
        return services;
    }
}
