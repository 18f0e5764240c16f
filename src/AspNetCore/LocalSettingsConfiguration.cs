using System.Text.Json;

namespace Serverless.EventSourcing.LocalHost;

/// <summary>Reads the <c>Values</c> of a Functions <c>local.settings.json</c> as configuration (<c>__</c> → <c>:</c>).</summary>
public static class LocalSettingsConfiguration
{
    public static IConfigurationBuilder AddLocalSettingsJson(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{path} has no \"Values\" object.");
        }

        var settings = values.EnumerateObject().ToDictionary(
            p => p.Name.Replace("__", ":", StringComparison.Ordinal),
            p => (string?)(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()));
        return builder.AddInMemoryCollection(settings);
    }
}
