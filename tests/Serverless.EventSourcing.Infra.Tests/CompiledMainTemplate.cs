using System.Text.Json;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>infra/main.bicep built once by the Bicep CLI, for the tests that read the ARM template.</summary>
public sealed class CompiledMainTemplate : IAsyncLifetime
{
    private readonly DirectoryInfo _outputDirectory = Directory.CreateTempSubdirectory("infra-tests-");
    private JsonDocument? _template;

    internal BicepRun Run { get; private set; } = new(-1, string.Empty, string.Empty);

    internal JsonElement Template => _template?.RootElement
        ?? throw new InvalidOperationException($"main.bicep did not compile: {string.Join(" ", Run.Problems())}");

    public async Task InitializeAsync()
    {
        Run = await BicepCli.BuildAsync(RepositoryFiles.MainBicepPath, _outputDirectory.FullName);
        var path = Path.Combine(_outputDirectory.FullName, "main.json");
        if (File.Exists(path))
        {
            _template = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        }
    }

    public Task DisposeAsync()
    {
        _template?.Dispose();
        _outputDirectory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The nested deployment that a <c>module</c> of main.bicep compiled to, by its deployment name.</summary>
    internal JsonElement NestedTemplate(string deploymentName) =>
        Resources(Template)
            .Single(r => r.GetProperty("name").GetString() == deploymentName)
            .GetProperty("properties")
            .GetProperty("template");

    // An array in classic templates, an object keyed by symbolic name in languageVersion 2.0 ones.
    internal static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
    }
}
