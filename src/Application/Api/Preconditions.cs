using System.Globalization;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// <c>If-Match</c> as an expected version: <c>"5"</c> is exactly 5, <c>*</c> means the stream exists.
/// A failed If-Match is answered 412 (a failed body <c>expectedVersion</c> is 409); both carry the current version.
/// </summary>
public static class Preconditions
{
    public static ExpectedVersion? IfMatch(ApiContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Header("If-Match")?.Trim();
        if (header is null)
        {
            return null;
        }

        // A present but empty If-Match is a client bug, not "no precondition": writing without one would be unsafe.
        if (header.Length == 0)
        {
            throw new InvalidInputException("If-Match", "is empty: send a quoted stream version such as \"5\", or *, or leave the header out");
        }

        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        var expected = header == "*"
            ? ExpectedVersion.StreamExists
            : tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? ExpectedVersion.Exactly(version)
                : throw new InvalidInputException("If-Match", "must be a quoted stream version such as \"5\", or *");
        context.PinnedByIfMatch = true;
        return expected;
    }
}
