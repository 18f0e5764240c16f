using System.Reflection;

namespace Serverless.EventSourcing.Application.Tests.Packaging;

/// <summary>The framework's packages: the assemblies a team references, and where the repository is.</summary>
internal static class FrameworkPackages
{
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        typeof(Serverless.EventSourcing.Events.EventData).Assembly,
        typeof(Serverless.EventSourcing.Postgres.EventStore.PostgresEventStore).Assembly,
        typeof(Serverless.EventSourcing.Redis.RedisSnapshotCache).Assembly,
        typeof(Serverless.EventSourcing.Kafka.KafkaSettings).Assembly,
        typeof(Serverless.EventSourcing.Application.Modules.IDomainModule).Assembly,
        typeof(Serverless.EventSourcing.Hosting.EventSourcingSettings).Assembly,
        typeof(Serverless.EventSourcing.TestKit.AggregateScenarios).Assembly,
        typeof(Serverless.EventSourcing.Functions.FunctionsAppServices).Assembly,
        typeof(Serverless.EventSourcing.LocalHost.LocalHostApp).Assembly,
        typeof(Serverless.EventSourcing.TestKit.Servers.PostgresDatabase).Assembly,
        typeof(Serverless.EventSourcing.Client.EventSourcingClient).Assembly,
    ];

    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.EventSourcing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root is not above " + AppContext.BaseDirectory);
    }
}
