using System.Net.Http.Headers;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>Which request content types are JSON: <c>application/json</c> and any <c>+json</c> type, in UTF-8 (RFC 8259 allows no other charset).</summary>
public static class JsonMediaType
{
    public static bool Accepts(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            return false;
        }

        var json = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase) && mediaType.Contains('/', StringComparison.Ordinal));
        var charset = parsed.CharSet?.Trim('"');
        return json && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
