namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// A route template of the API (<c>streams/{streamId}/events</c>; a last segment <c>{*rest}</c> takes the rest):
/// literal segments match case-insensitively, parameters take one non-empty segment. Both hosts take route values
/// from here, so they agree on them whatever routing their platform does.
/// </summary>
public sealed class RouteTemplate
{
    private readonly (string Text, bool IsParameter, bool IsCatchAll)[] _segments;

    private RouteTemplate((string, bool, bool)[] segments) => _segments = segments;

    public static RouteTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new RouteTemplate(template.Split('/').Select(segment =>
            segment.StartsWith('{') && segment.EndsWith('}')
                ? segment.StartsWith("{*", StringComparison.Ordinal) ? (segment[2..^1], true, true) : (segment[1..^1], true, false)
                : (segment, false, false)).ToArray());
    }

    /// <summary>Matches a path relative to the API prefix (no leading slash), filling <paramref name="values"/>.</summary>
    public bool TryMatch(string path, IDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(values);
        var parts = path.Trim('/').Split('/');
        var last = _segments[^1];
        if (last.IsCatchAll ? parts.Length < _segments.Length - 1 : parts.Length != _segments.Length)
        {
            return false;
        }

        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _segments.Length; i++)
        {
            var (text, isParameter, isCatchAll) = _segments[i];
            if (isCatchAll)
            {
                found[text] = string.Join('/', parts[i..]);
                break;
            }

            if (isParameter ? parts[i].Length == 0 : !string.Equals(parts[i], text, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (isParameter)
            {
                found[text] = parts[i];
            }
        }

        foreach (var (name, value) in found)
        {
            values[name] = value;
        }

        return true;
    }
}
