using System.Text.Json;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>The <c>Values</c> of local.settings.sample.json: the settings contract of the app.</summary>
internal static class SampleSettings
{
    public static IReadOnlyDictionary<string, string> Load(string path) => Parse(File.ReadAllText(path));

    public static IReadOnlyDictionary<string, string> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var values = document.RootElement.GetProperty("Values");
        return values
            .EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
    }
}
