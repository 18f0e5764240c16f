namespace Serverless.EventSourcing.Store;

/// <summary>
/// What a reader may see of the log across categories: the categories it was granted by name (each with every event
/// type, or some), and optionally every other category (again with every type or some), never those in
/// <see cref="NotOthers"/>. Reads that span categories filter by it; a filter the caller sends only narrows it.
/// </summary>
public sealed record Visibility
{
    /// <summary>Category → the event types visible in it (null: every type).</summary>
    public required IReadOnlyDictionary<string, IReadOnlySet<string>?> Listed { get; init; }

    /// <summary>Categories not in <see cref="Listed"/> are visible too (a grant on every category).</summary>
    public bool Others { get; init; }

    /// <summary>The types visible in those other categories (null: every type).</summary>
    public IReadOnlySet<string>? OtherTypes { get; init; }

    /// <summary>Categories a grant on every category does not reach (the audit trail).</summary>
    public IReadOnlySet<string> NotOthers { get; init; } = new HashSet<string>();

    public bool Allows(string category, string type)
    {
        if (Listed.TryGetValue(category, out var types))
        {
            return types is null || types.Contains(type);
        }

        return Others && !NotOthers.Contains(category) && (OtherTypes is null || OtherTypes.Contains(type));
    }

    /// <summary>True when some event of <paramref name="category"/> could be visible.</summary>
    public bool Reaches(string category) => Listed.ContainsKey(category) || (Others && !NotOthers.Contains(category));
}
