using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// Reads the <c>Auth</c> settings (app settings <c>Auth__…</c>) into <see cref="AuthOptions"/>, failing at start-up with
/// the setting's name on anything malformed: a host that would guess at its own security settings must not start.
/// </summary>
public static class AuthSettings
{
    /// <summary>The name the legacy single <c>Api__Key</c> authenticates as (with every permission).</summary>
    public const string LegacyKeyName = "api-key";

    private const string DigestPrefix = "sha256:";

    public static AuthOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var auth = configuration.GetSection("Auth");
        var authority = Url(auth, "Authority");
        var audiences = List(auth["Audiences"]);
        if (authority is not null && audiences.Count == 0)
        {
            throw new InvalidOperationException("Setting Auth:Audiences (Auth__Audiences) is required when Auth:Authority is set: the API's own audience (its app ID URI or client id).");
        }

        var roles = new Dictionary<string, IReadOnlyList<Grant>>(BuiltInRoles.All, StringComparer.Ordinal);
        foreach (var role in auth.GetSection("Roles").GetChildren())
        {
            roles[role.Key] = BuiltInRoles.Parse(role.Value ?? "", $"Auth:Roles:{role.Key}");
        }

        var keys = new List<ApiKeyEntry>();
        foreach (var key in auth.GetSection("Keys").GetChildren())
        {
            keys.Add(Key(key, roles));
        }

        if (configuration["Api:Key"] is { Length: > 0 } legacy)
        {
            keys.Add(new ApiKeyEntry(LegacyKeyName, Convert.FromHexString(ApiKeyRing.Digest(legacy)[DigestPrefix.Length..]), [BuiltInRoles.Admin]));
        }

        return new AuthOptions
        {
            Authority = authority,
            MetadataAddress = Url(auth, "MetadataAddress"),
            Audiences = audiences,
            Issuers = List(auth["Issuers"]),
            ClockSkew = TimeSpan.FromSeconds(Seconds(auth, "ClockSkewSeconds", 60, min: 0)),
            RequireHttpsMetadata = !string.Equals(auth["RequireHttpsMetadata"], "false", StringComparison.OrdinalIgnoreCase),
            MetadataRefreshInterval = TimeSpan.FromSeconds(Seconds(auth, "MetadataRefreshSeconds", 300, min: 1)),
            TokenCacheLifetime = TimeSpan.FromSeconds(Seconds(auth, "TokenCacheSeconds", 60, min: 0)),
            RoleClaims = auth["RoleClaims"] is { Length: > 0 } claims ? List(claims) : ["roles", "scp"],
            Keys = keys,
            Roles = roles,
        };
    }

    /// <summary><c>Auth:Keys:&lt;name&gt;:Hash</c> = <c>sha256:&lt;hex&gt;</c> and <c>Auth:Keys:&lt;name&gt;:Roles</c>.</summary>
    private static ApiKeyEntry Key(IConfigurationSection key, IReadOnlyDictionary<string, IReadOnlyList<Grant>> roles)
    {
        var setting = $"Auth:Keys:{key.Key}";
        if (key.Key.Length is 0 or > 64 || !key.Key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new InvalidOperationException($"Setting {setting}: a key's name is 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        var hash = key["Hash"] ?? "";
        if (!hash.StartsWith(DigestPrefix, StringComparison.Ordinal) || hash.Length != DigestPrefix.Length + 64 || !hash[DigestPrefix.Length..].All(char.IsAsciiHexDigit))
        {
            // Never echo the value: someone may have pasted the key itself here.
            throw new InvalidOperationException($"Setting {setting}:Hash must be 'sha256:' and the 64 hex digits of the key's SHA-256 (printf %s \"$KEY\" | sha256sum), never the key itself.");
        }

        var keyRoles = List(key["Roles"]);
        if (keyRoles.Count == 0 || keyRoles.FirstOrDefault(r => !roles.ContainsKey(r)) is { } unknown && unknown is not null)
        {
            throw new InvalidOperationException($"Setting {setting}:Roles must name at least one role, each defined ({string.Join(", ", roles.Keys)} or Auth:Roles:<name>).");
        }

        return new ApiKeyEntry(key.Key, Convert.FromHexString(hash[DigestPrefix.Length..]), keyRoles);
    }

    private static Uri? Url(IConfiguration section, string name)
    {
        if (section[name] is not { Length: > 0 } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new InvalidOperationException($"Setting Auth:{name} must be an absolute https URL, not '{text}'.");
    }

    private static int Seconds(IConfiguration section, string name, int fallback, int min)
    {
        var text = section[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new InvalidOperationException($"Setting Auth:{name} must be a whole number of at least {min}, not '{text}'.");
    }

    /// <summary>Values separated by commas, semicolons or spaces.</summary>
    private static List<string> List(string? text) =>
        (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
