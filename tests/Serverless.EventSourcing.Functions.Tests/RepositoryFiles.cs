using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

    /// <summary>The types (classes, records, structs, interfaces, enums, nested ones too) the Postgres project declares in <paramref name="namespace"/>.</summary>
    public static IReadOnlySet<string> PostgresTypeNamesIn(string @namespace)
    {
        var directory = Path.Combine(Root.Value, "src", "Postgres", "Serverless.EventSourcing.Postgres");
        var names = Directory
            .EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(path => Path.GetRelativePath(directory, path).Replace('\\', '/') is var relative
                && !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal))
            .SelectMany(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
                .Where(type => type.FirstAncestorOrSelf<BaseNamespaceDeclarationSyntax>()?.Name.ToString() == @namespace)
                .Select(type => type.Identifier.ValueText))
            .ToHashSet(StringComparer.Ordinal);
        return names.Count > 0 ? names : throw new InvalidOperationException($"No types of {@namespace} under {directory}.");
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
