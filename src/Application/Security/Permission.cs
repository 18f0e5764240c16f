namespace Serverless.EventSourcing.Application.Security;

/// <summary>What a principal may do. Settings name them in lower case (<see cref="Permissions.Name"/>).</summary>
public enum Permission
{
    /// <summary>Read streams, aggregates, snapshots, the log (queries, replay, live) and read models.</summary>
    Read,

    /// <summary>Append raw events.</summary>
    Write,

    /// <summary>Run commands and start sagas.</summary>
    Execute,

    /// <summary>Rebuild projections, retry or skip parked events, take snapshots, delete streams, see status and stats.</summary>
    Operate,

    /// <summary>Read the audit trail (the <c>audit</c> category) and find what a principal wrote.</summary>
    Audit,

    /// <summary>See declared personal data decrypted (without it, reads show the redaction marker).</summary>
    Personal,

    /// <summary>Erase a data subject (destroy its key) and rotate the master key's wrapping of data keys.</summary>
    Erase,

    /// <summary>Record events for an end user other than itself (<c>x-user-id</c>): for trusted back ends.</summary>
    ActAs,
}

public static class Permissions
{
    private static readonly Dictionary<string, Permission> ByName = Enum.GetValues<Permission>().ToDictionary(Name, StringComparer.Ordinal);

    public static string Name(this Permission permission) => permission switch
    {
        Permission.ActAs => "act-as",
        _ => permission.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string name, out Permission permission) => ByName.TryGetValue(name, out permission);

    public static IReadOnlyCollection<string> Names => ByName.Keys;
}
