namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// The roles every deployment knows (a setting <c>Auth__Roles__&lt;name&gt;</c> replaces one or adds another). The legacy
/// single <c>Api__Key</c> is a key with <see cref="Admin"/>.
/// </summary>
public static class BuiltInRoles
{
    public const string Admin = "admin";

    public static IReadOnlyDictionary<string, IReadOnlyList<Grant>> All { get; } = new Dictionary<string, IReadOnlyList<Grant>>(StringComparer.Ordinal)
    {
        [Admin] = Parse(string.Join(' ', Permissions.Names)),
        ["reader"] = Parse("read"),
        ["writer"] = Parse("read write"),
        ["executor"] = Parse("read execute"),
        ["operator"] = Parse("read operate"),
        ["auditor"] = Parse("read audit"),
    };

    /// <summary>Grants separated by spaces or semicolons, as a role's setting holds them.</summary>
    public static IReadOnlyList<Grant> Parse(string grants, string setting = "built-in roles") =>
        grants.Split([' ', ';', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(g => Grant.Parse(g, setting)).ToList();
}
