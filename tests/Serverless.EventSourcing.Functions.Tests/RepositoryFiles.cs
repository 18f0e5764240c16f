namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>The repository's settings files the tests read.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string SampleSettingsPath => Path.Combine(Root.Value, "local.settings.sample.json");

    public static string HostJsonPath => Path.Combine(Root.Value, "host.json");


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
