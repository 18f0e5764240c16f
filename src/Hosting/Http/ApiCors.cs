using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Net.Http.Headers;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Hosting.Http;

/// <summary>
/// Which browser origins may call the API (<c>Cors__AllowedOrigins</c>: comma-separated origins, or <c>*</c>; empty, the
/// default, allows none). The policy is ASP.NET Core's own; the local host runs it as middleware, and on Azure the
/// Function App's platform CORS takes the same list from Bicep (the platform answers before the worker sees a request).
/// No credentials mode: callers send a key or bearer token in headers (or <c>access_token</c>), never cookies.
/// </summary>
public static class ApiCors
{
    public const string Setting = "Cors:AllowedOrigins";

    public const string PolicyName = "api";

    private const string CorrelationHeader = "x-correlation-id";

    /// <summary>The request headers the API reads; a browser asks for them in preflight.</summary>
    public static readonly IReadOnlyList<string> RequestHeaders =
    [
        HeaderNames.Authorization, HeaderNames.ContentType, HeaderNames.IfMatch, "Last-Event-ID", "Idempotency-Key",
        RequestAuthenticator.KeyHeader, CorrelationHeader,
    ];

    /// <summary>The response headers a page's script may read (besides the CORS-safelisted ones).</summary>
    public static readonly IReadOnlyList<string> ExposedHeaders =
    [
        HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.Link, HeaderNames.WWWAuthenticate, CorrelationHeader,
    ];

    /// <returns>The policy, or null when no origin is allowed (then the host adds no CORS at all).</returns>
    /// <exception cref="InvalidOperationException">An entry is not an origin (scheme, host and optional port, nothing more).</exception>
    public static CorsPolicy? Policy(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var origins = (configuration[Setting] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (origins.Length == 0)
        {
            return null;
        }

        var policy = new CorsPolicyBuilder()
            .WithMethods(HttpMethodsAllowed)
            .WithHeaders([.. RequestHeaders])
            .WithExposedHeaders([.. ExposedHeaders])
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        if (origins is ["*"])
        {
            return policy.AllowAnyOrigin().Build();
        }

        foreach (var origin in origins)
        {
            if (!IsOrigin(origin))
            {
                throw new InvalidOperationException(
                    $"Setting {Setting} holds '{origin}', which is not an origin: give scheme, host and optional port (https://app.example.com), comma-separated, or * alone.");
            }
        }

        return policy.WithOrigins(origins).Build();
    }

    private static readonly string[] HttpMethodsAllowed = ["GET", "HEAD", "POST", "PUT", "DELETE"];

    private static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.PathAndQuery == "/" && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
        && !text.EndsWith('/');
}
