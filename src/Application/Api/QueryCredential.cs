using System.Text.RegularExpressions;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// Takes the <c>access_token</c> query parameter out of a request before anything else sees it: the request that goes
/// on has neither the parameter nor its text in <see cref="ApiRequest.Path"/>, so no log line, problem
/// <c>instance</c> or <c>Link</c> header can carry the token.
/// </summary>
public static partial class QueryCredential
{
    /// <returns>The token, or null when the request carried none (then <paramref name="request"/> is left as it was).</returns>
    public static string? Take(ref ApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Query.TryGetValue(RequestAuthenticator.QueryToken, out var token))
        {
            return null;
        }

        var query = request.Query.Where(p => !string.Equals(p.Key, RequestAuthenticator.QueryToken, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        request = request.With(path: Redact(request.Path), query: query);
        return token;
    }

    /// <summary>The path and query without any <c>access_token=…</c> pair.</summary>
    public static string Redact(string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return pathAndQuery;
        }

        var kept = pathAndQuery[(q + 1)..].Split('&').Where(pair => !TokenPair().IsMatch(pair)).ToArray();
        return kept.Length == 0 ? pathAndQuery[..q] : pathAndQuery[..(q + 1)] + string.Join('&', kept);
    }

    [GeneratedRegex("^access_token(=|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenPair();
}
