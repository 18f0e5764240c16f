using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// What one principal may do: the union of its roles' grants. Answers per permission and category, separately for
/// any stream of the category and for streams the principal owns (a module's ownership rule decides ownership).
/// The <c>audit</c> category is read with <see cref="Permission.Audit"/>, and nobody writes it but the server.
/// </summary>
public sealed class AccessRights
{
    private readonly IReadOnlyList<Grant> _grants;

    private AccessRights(IReadOnlyList<Grant> grants, bool everything)
    {
        _grants = grants;
        Everything = everything;
    }

    /// <summary>Everything is allowed: the API is open (no keys, no token authority).</summary>
    public bool Everything { get; }

    public IReadOnlyList<Grant> Grants => _grants;

    public static AccessRights Open { get; } = new([], everything: true);

    public static AccessRights None { get; } = new([], everything: false);

    public static AccessRights Of(IEnumerable<Grant> grants) => new([.. grants], everything: false);

    /// <summary>Some grant of <paramref name="permission"/>, on any category: enough to be let into a route.</summary>
    public bool HasAny(Permission permission) => Everything || _grants.Any(g => g.Permission == permission);

    /// <summary>A grant of <paramref name="permission"/> on every category, not limited to owned streams.</summary>
    public bool HasEverywhere(Permission permission) =>
        Everything || _grants.Any(g => g.Permission == permission && g.Categories is null && g.EventTypes is null);

    /// <summary>The types <paramref name="permission"/> reaches in any stream of <paramref name="category"/>; null for none.</summary>
    public TypeScope? AnyStream(Permission permission, string category) => Scope(permission, category, owned: false);

    /// <summary>The types <paramref name="permission"/> reaches in an owned stream of <paramref name="category"/> (a superset of <see cref="AnyStream"/>).</summary>
    public TypeScope? OwnedStream(Permission permission, string category) => Scope(permission, category, owned: true);

    /// <summary>True when some grant of <paramref name="permission"/> reaches <paramref name="category"/> only for owned streams.</summary>
    public bool HasOwnOnly(Permission permission, string category) =>
        !Everything && category != AuditTrail.Category && _grants.Any(g => g.Permission == permission && g.OwnOnly.Contains(category));

    /// <summary>True when the principal reaches the category only through grants limited to owned streams.</summary>
    public bool NeedsOwnership(Permission permission, string category) =>
        AnyStream(permission, category) is null && OwnedStream(permission, category) is not null;

    /// <summary>
    /// What reads that span categories (log queries, replay, the log's live feed) may return: null when everything.
    /// Grants limited to owned streams do not reach across streams, and the audit category needs <c>audit</c>.
    /// </summary>
    public Visibility? Visible()
    {
        if (Everything || (HasEverywhere(Permission.Read) && HasAny(Permission.Audit)))
        {
            return null;
        }

        var listed = new Dictionary<string, IReadOnlySet<string>?>(StringComparer.Ordinal);
        var named = _grants.Where(g => g.Permission == Permission.Read && g.Categories is not null).SelectMany(g => g.Categories!).Append(AuditTrail.Category);
        foreach (var category in named.Distinct(StringComparer.Ordinal))
        {
            if (AnyStream(Permission.Read, category) is { } scope)
            {
                listed[category] = scope.Types;
            }
        }

        var everywhere = _grants.Where(g => g.Permission == Permission.Read && g.Categories is null)
            .Select(g => new TypeScope(g.EventTypes))
            .Aggregate((TypeScope?)null, TypeScope.Union);
        return new Visibility
        {
            Listed = listed,
            Others = everywhere is not null,
            OtherTypes = everywhere?.Types,
            NotOthers = new HashSet<string>([AuditTrail.Category], StringComparer.Ordinal),
        };
    }

    private TypeScope? Scope(Permission permission, string category, bool owned)
    {
        if (Everything)
        {
            return TypeScope.All;
        }

        if (category == AuditTrail.Category)
        {
            // Only the server writes the audit trail; reading it takes the audit permission.
            return permission == Permission.Read && HasAny(Permission.Audit) ? TypeScope.All : null;
        }

        TypeScope? scope = null;
        foreach (var grant in _grants)
        {
            if (grant.Permission == permission && grant.Covers(category) && (owned || !grant.OwnOnly.Contains(category)))
            {
                scope = TypeScope.Union(scope, new TypeScope(grant.EventTypes));
            }
        }

        return scope;
    }
}
