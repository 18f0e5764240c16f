using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Functions.Tests.Settings;

/// <summary>
/// <c>%Section:Key%</c> binding expressions must name a key of local.settings.sample.json (written
/// <c>Section__Key</c> there). The host resolves them through IConfiguration, where the app setting
/// <c>Section__Key</c> appears as <c>Section:Key</c>; <c>%Section__Key%</c> does not resolve (azure-functions-host #10246).
/// </summary>
internal sealed record SettingReference(string Setting, string Location);

internal static partial class SettingsContract
{
    /// <summary>Every <c>%Setting%</c> in the bindings of the built app's functions.</summary>
    public static IReadOnlyList<SettingReference> InMetadata(IEnumerable<FunctionEntry> functions) =>
        functions.SelectMany(f => f.Bindings.SelectMany(b => b.SettingExpressions.SelectMany(text =>
            SettingExpression().Matches(text).Select(m => new SettingReference(m.Groups[1].Value, $"{f.Name}.{b.Name}"))))).ToList();

    public static IReadOnlyList<string> FindViolations(IEnumerable<SettingReference> references, IReadOnlySet<string> sampleKeys)
    {
        var violations = new List<string>();
        foreach (var reference in references)
        {
            if (reference.Setting.Contains("__", StringComparison.Ordinal))
            {
                violations.Add($"{reference.Location}: %{reference.Setting}% does not resolve in a binding expression; write %{reference.Setting.Replace("__", ":", StringComparison.Ordinal)}%");
                continue;
            }

            var key = reference.Setting.Replace(":", "__", StringComparison.Ordinal);
            if (!sampleKeys.Contains(key))
            {
                violations.Add($"{reference.Location}: %{reference.Setting}% has no key {key} in local.settings.sample.json");
            }
        }

        return violations;
    }

    /// <summary>Every <c>%Setting%</c> in a string value of host.json, located by its JSON path.</summary>
    public static IReadOnlyList<SettingReference> InHostJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var references = new List<SettingReference>();
        Walk(document.RootElement, "$");
        return references;

        void Walk(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, $"{path}.{property.Name}");
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, $"{path}[{index++}]");
                    }

                    break;
                case JsonValueKind.String:
                    references.AddRange(SettingExpression().Matches(element.GetString()!).Select(m => new SettingReference(m.Groups[1].Value, $"host.json {path}")));
                    break;
            }
        }
    }

    [GeneratedRegex(@"%([^%\s]+)%")]
    private static partial Regex SettingExpression();
}
