using System.Reflection;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>Files the tests read: the built app's metadata and the repository's settings files.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string SampleSettingsPath => Path.Combine(Root.Value, "local.settings.sample.json");

    public static string HostJsonPath => Path.Combine(Root.Value, "host.json");

    /// <summary>The functions.metadata the worker SDK generated when it built the app this test project references.</summary>
    public static string FunctionsMetadataPath => Path.GetFullPath(BuildValue("FunctionsMetadataPath").Replace('\\', '/'));

    /// <summary>True when the build left the KafkaTrigger file out (-p:ExcludeKafkaTrigger=true, as test.sh builds).</summary>
    public static bool KafkaTriggerExcluded => string.Equals(BuildValue("ExcludeKafkaTrigger"), "true", StringComparison.OrdinalIgnoreCase);

    private static string BuildValue(string key) =>
        typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value ?? "";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.EventSourcing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Serverless.EventSourcing.sln above {AppContext.BaseDirectory}.");
    }
}
