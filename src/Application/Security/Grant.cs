using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// One permission, on every category or on some, optionally only for streams the principal owns (a module's
/// ownership rule decides) and, for reads, only for some event types. Written in settings as
/// <c>permission[:categories[:eventTypes]]</c>: <c>read</c>, <c>execute:account@own</c>,
/// <c>read:account,order:MoneyDeposited,OrderPlaced</c>; <c>*</c> is every category.
/// </summary>
/// <param name="Categories">Null for every category.</param>
/// <param name="OwnOnly">Categories in which only owned streams are granted.</param>
/// <param name="EventTypes">Null for every type; only reads are narrowed by type.</param>
public sealed record Grant(Permission Permission, IReadOnlySet<string>? Categories, IReadOnlySet<string> OwnOnly, IReadOnlySet<string>? EventTypes)
{
    private const string OwnSuffix = "@own";

    public bool Covers(string category) => Categories is null || Categories.Contains(category);

    public static Grant Parse(string text, string setting)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length > 3 || !Permissions.TryParse(parts[0], out var permission))
        {
            throw Bad(text, setting, $"a grant is permission[:categories[:eventTypes]] with a permission of {string.Join(", ", Permissions.Names)}");
        }

        HashSet<string>? categories = null;
        var own = new HashSet<string>(StringComparer.Ordinal);
        if (parts.Length > 1 && parts[1] != "*")
        {
            categories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in parts[1].Split(','))
            {
                var category = item.EndsWith(OwnSuffix, StringComparison.Ordinal) ? item[..^OwnSuffix.Length] : item;
                if (!IsCategory(category))
                {
                    throw Bad(text, setting, $"'{item}' is not a category (a letter, then letters, digits or '_'; '@own' after it limits the grant to owned streams)");
                }

                categories.Add(category);
                if (category.Length != item.Length)
                {
                    own.Add(category);
                }
            }
        }

        HashSet<string>? types = null;
        if (parts.Length > 2)
        {
            if (permission != Permission.Read)
            {
                throw Bad(text, setting, "only read grants can be limited to event types");
            }

            types = new HashSet<string>(parts[2].Split(','), StringComparer.Ordinal);
            if (types.Any(t => t.Length == 0))
            {
                throw Bad(text, setting, "an event type list may not hold an empty name");
            }
        }

        return new Grant(permission, categories, own, types);
    }

    public override string ToString()
    {
        var categories = Categories is null ? "*" : string.Join(",", Categories.Order(StringComparer.Ordinal).Select(c => OwnOnly.Contains(c) ? c + OwnSuffix : c));
        return EventTypes is null ? $"{Permission.Name()}:{categories}" : $"{Permission.Name()}:{categories}:{string.Join(",", EventTypes.Order(StringComparer.Ordinal))}";
    }

    private static bool IsCategory(string value) => StreamId.TryParse(value + "-x", out var id, out _) && id.Category == value;

    private static InvalidOperationException Bad(string text, string setting, string why) => new($"Setting {setting}: grant '{text}' is invalid: {why}.");
}
