namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>Locates the files the parity tests read, relative to the repository root.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string SampleSettingsPath => Path.Combine(Root.Value, "local.settings.sample.json");

    public static string HostJsonPath => Path.Combine(Root.Value, "host.json");

    public static string FunctionsProjectDirectory => Path.Combine(Root.Value, "src", "Hosts", "Serverless.EventSourcing.Functions");

    /// <summary>Every <c>*.cs</c> file of the Functions project (bin/ and obj/ excluded), by path relative to the project.</summary>
    public static IReadOnlyList<SourceFile> FunctionsSources()
    {
        var directory = FunctionsProjectDirectory;
        var files = Directory
            .EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(directory, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => new SourceFile(path, File.ReadAllText(Path.Combine(directory, path))))
            .ToList();
        return files.Count > 0 ? files : throw new InvalidOperationException($"No C# files under {directory}.");
    }

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
