using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// The Function App's app settings as written in Bicep: each key with the Bicep expression that
/// sets it (string literals keep their quotes). Read from the <c>config</c> child resource named
/// <c>appsettings</c>, one setting per line, without a Bicep compiler.
/// </summary>
internal sealed partial class BicepAppSettings
{
    private BicepAppSettings(IReadOnlyDictionary<string, string> settings, string? runtimeName, string? keyVaultReferenceIdentity, string? corsAllowedOrigins)
    {
        Settings = settings;
        RuntimeName = runtimeName;
        KeyVaultReferenceIdentity = keyVaultReferenceIdentity;
        CorsAllowedOrigins = corsAllowedOrigins;
    }

    /// <summary>Setting key to Bicep value expression, in declaration order.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary><c>functionAppConfig.runtime.name</c> (Flex Consumption's worker runtime), if declared.</summary>
    public string? RuntimeName { get; }

    /// <summary>Expression given to the site's <c>keyVaultReferenceIdentity</c>, if any.</summary>
    public string? KeyVaultReferenceIdentity { get; }

    /// <summary>Expression given to the site's <c>siteConfig.cors.allowedOrigins</c>, if any.</summary>
    public string? CorsAllowedOrigins { get; }

    public IEnumerable<string> Keys => Settings.Keys;

    public bool Contains(string key) => Settings.ContainsKey(key);

    public string? ValueOf(string key) => Settings.TryGetValue(key, out var value) ? value : null;

    /// <summary>True when the value is exactly the string literal <paramref name="literal"/>.</summary>
    public bool IsLiteral(string key, string literal) => ValueOf(key) == $"'{literal}'";

    public static bool DeclaresAppSettings(string bicepText) => AppSettingsName().IsMatch(bicepText);

    public static BicepAppSettings Parse(string bicepText)
    {
        var name = AppSettingsName().Match(bicepText);
        if (!name.Success)
        {
            throw new FormatException("No config resource named 'appsettings' in the Bicep text.");
        }

        var properties = PropertiesOpening().Match(bicepText, name.Index + name.Length);
        if (!properties.Success)
        {
            throw new FormatException("The 'appsettings' resource has no properties object.");
        }

        var open = properties.Index + properties.Length - 1;
        var close = BicepText.FindClosingBrace(bicepText, open);
        var body = bicepText[(open + 1)..close];

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in BicepText.TopLevelLines(body))
        {
            var entry = Entry().Match(line);
            if (!entry.Success)
            {
                throw new FormatException($"Cannot read an app setting from Bicep line: {line}");
            }

            var key = entry.Groups["key"].Value;
            if (!settings.TryAdd(key, entry.Groups["value"].Value.Trim()))
            {
                throw new FormatException($"App setting {key} is declared twice.");
            }
        }

        var runtime = RuntimeNameDeclaration().Match(bicepText);
        var kvIdentity = KeyVaultReferenceIdentityDeclaration().Match(bicepText);
        var cors = CorsAllowedOriginsDeclaration().Match(bicepText);
        return new BicepAppSettings(
            settings,
            runtime.Success ? runtime.Groups["name"].Value : null,
            kvIdentity.Success ? kvIdentity.Groups["value"].Value.Trim() : null,
            cors.Success ? cors.Groups["value"].Value.Trim() : null);
    }

    [GeneratedRegex(@"name:\s*'appsettings'")]
    private static partial Regex AppSettingsName();

    [GeneratedRegex(@"properties:\s*\{")]
    private static partial Regex PropertiesOpening();

    [GeneratedRegex(@"^(?:'(?<key>[^']+)'|(?<key>[A-Za-z_][A-Za-z0-9_]*))\s*:\s*(?<value>\S.*)$")]
    private static partial Regex Entry();

    [GeneratedRegex(@"runtime:\s*\{[^}]*?\bname:\s*'(?<name>[^']+)'")]
    private static partial Regex RuntimeNameDeclaration();

    [GeneratedRegex(@"cors:\s*\{[^}]*?\ballowedOrigins:\s*(?<value>[^\r\n]+)")]
    private static partial Regex CorsAllowedOriginsDeclaration();

    [GeneratedRegex(@"keyVaultReferenceIdentity:\s*(?<value>[^\r\n]+)")]
    private static partial Regex KeyVaultReferenceIdentityDeclaration();
}
