namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>Locates the files the drift tests read, relative to the repository root.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RootDirectory => Root.Value;

    public static string SampleSettingsPath => Path.Combine(RootDirectory, "local.settings.sample.json");

    public static string InfraDirectory => Path.Combine(RootDirectory, "infra");

    public static string MainBicepPath => Path.Combine(InfraDirectory, "main.bicep");

    public static string MainBicepParamPath => Path.Combine(InfraDirectory, "main.bicepparam");

    /// <summary>Every .bicep file under infra/ (main.bicep and the modules), relative to infra/, sorted.</summary>
    public static IReadOnlyList<string> BicepTemplates() =>
        Directory
            .EnumerateFiles(InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(InfraDirectory, path))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The one Bicep file under infra/ that declares the Function App's appsettings.</summary>
    public static string FunctionAppBicepPath()
    {
        var candidates = Directory
            .EnumerateFiles(InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Where(path => BicepAppSettings.DeclaresAppSettings(File.ReadAllText(path)))
            .ToList();

        return candidates.Count == 1
            ? candidates[0]
            : throw new InvalidOperationException(
                $"Expected exactly one Bicep file declaring the Function App appsettings under {InfraDirectory}, found {candidates.Count}.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.EventSourcing.sln"))
                || File.Exists(Path.Combine(directory.FullName, "local.settings.sample.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Serverless.EventSourcing.sln or local.settings.sample.json above {AppContext.BaseDirectory}.");
    }
}
