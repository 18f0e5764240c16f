namespace Serverless.EventSourcing.Application.Security;

/// <summary>The event types a grant reaches in one category: every type, or some.</summary>
public sealed record TypeScope(IReadOnlySet<string>? Types)
{
    public static TypeScope All { get; } = new((IReadOnlySet<string>?)null);

    public bool IsAll => Types is null;

    public bool Includes(string type) => Types is null || Types.Contains(type);

    /// <summary>The union of two scopes; either may be null (no access).</summary>
    public static TypeScope? Union(TypeScope? a, TypeScope? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ when a.IsAll || b.IsAll => All,
        _ => new TypeScope(new HashSet<string>(a.Types!.Concat(b.Types!), StringComparer.Ordinal)),
    };
}
