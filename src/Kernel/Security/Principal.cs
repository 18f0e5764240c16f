namespace Serverless.EventSourcing.Security;

public enum PrincipalKind
{
    /// <summary>No credential is configured: the API is open and nobody is known.</summary>
    Anonymous,

    /// <summary>A named API key.</summary>
    Key,

    /// <summary>An OAuth 2.0 / OpenID Connect bearer token.</summary>
    Token,
}

/// <summary>
/// Who made a request, as the server established it from a credential (never from what the caller wrote): a token's
/// issuer and subject, or an API key's name, with the roles the credential carries.
/// </summary>
public sealed record Principal
{
    private static readonly IReadOnlySet<string> NoRoles = new HashSet<string>();

    /// <summary>Stable and unique: <c>key:&lt;name&gt;</c> for keys, <c>&lt;issuer&gt;|&lt;subject&gt;</c> for tokens.</summary>
    public required string Id { get; init; }

    public required PrincipalKind Kind { get; init; }

    /// <summary>The token's <c>iss</c>; null for keys.</summary>
    public string? Issuer { get; init; }

    /// <summary>The token's <c>sub</c>, or the key's name.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The client application the token was issued to (<c>azp</c>, <c>appid</c> or <c>client_id</c>).</summary>
    public string? ClientId { get; init; }

    /// <summary>Roles and scopes, as the credential carries them (mapped to permissions by settings).</summary>
    public IReadOnlySet<string> Roles { get; init; } = NoRoles;

    /// <summary>The token's other string claims, for ownership rules that key on something besides the subject.</summary>
    public IReadOnlyDictionary<string, string> Claims { get; init; } = new Dictionary<string, string>();

    /// <summary>The principal of an open API (no keys, no token authority configured).</summary>
    public static Principal Anonymous { get; } = new() { Id = "anonymous", Kind = PrincipalKind.Anonymous };

    public bool IsAnonymous => Kind == PrincipalKind.Anonymous;

    public static Principal ForKey(string name, IEnumerable<string> roles) =>
        new() { Id = "key:" + name, Kind = PrincipalKind.Key, Subject = name, Roles = new HashSet<string>(roles, StringComparer.Ordinal) };

    /// <summary>The principal a record names (roles are not recorded): sagas act for whoever started them.</summary>
    public static Principal? FromRecord(PrincipalRecord? record) => record is null
        ? null
        : new Principal
        {
            Id = record.Id,
            Kind = record.Kind == "key" ? PrincipalKind.Key : PrincipalKind.Token,
            Issuer = record.Issuer,
            Subject = record.Subject,
            ClientId = record.ClientId,
        };

    /// <summary>What event metadata records of this principal; null for the anonymous one.</summary>
    public PrincipalRecord? ToRecord() => IsAnonymous
        ? null
        : new PrincipalRecord(Id, Kind == PrincipalKind.Key ? "key" : "token", Issuer, Subject, ClientId);
}
