using System.Text.Json;

namespace Serverless.EventSourcing.Functions.Tests.Settings;

/// <summary>The <c>Values</c> keys of local.settings.sample.json: the settings contract of both hosts.</summary>
internal static class SampleSettings
{
    public static IReadOnlySet<string> LoadKeys() => ParseKeys(File.ReadAllText(RepositoryFiles.SampleSettingsPath));

    public static IReadOnlyDictionary<string, string?> LoadValues()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.SampleSettingsPath));
        return document.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.Ordinal);
    }

    public static IReadOnlySet<string> ParseKeys(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }
}
