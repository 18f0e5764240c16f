using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Jobs;
using Serverless.EventSourcing.Application.Retention;
using Serverless.EventSourcing.Archive;
using Serverless.EventSourcing.Hosting.Archive;
using Serverless.EventSourcing.Postgres.Archive;

namespace Serverless.EventSourcing.Hosting;

public static partial class ServiceCollectionExtensions
{
    /// <summary>Retention policies, the archive's storage and reader, the archive job's work, and their start-up and readiness checks.</summary>
    private static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ArchiveSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Retention);
        services.AddSingleton(settings.Options);
        services.AddSingleton<RetentionGuard>();
        services.AddSingleton<IOutageDetector, ArchiveOutages>();
        services.AddSingleton<IArchiveCatalog>(sp => new ArchiveCatalog(sp.GetRequiredService<NpgsqlDataSource>()));
        if (settings.StorageConfigured)
        {
            services.AddSingleton<IArchiveStorage>(_ => new BlobArchiveStorage(settings.ContainerClient()));
            services.AddSingleton<EventArchiver>();
            services.AddSingleton<IReadinessCheck, ArchiveReadinessCheck>();
        }

        services.AddSingleton(sp => new ArchiveReader(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<IArchiveStorage>(), settings.CacheBytes));
        services.AddHostedService<CheckRetentionOnStartup>();
        return services;
    }
}
