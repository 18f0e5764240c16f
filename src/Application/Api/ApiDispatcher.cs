using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Api.RateLimiting;
using Serverless.EventSourcing.Diagnostics;

namespace Serverless.EventSourcing.Application.Api;

public delegate Task<ApiResponse> ApiHandler(ApiContext context);

/// <summary>A group of endpoints registers its handlers by route name.</summary>
public interface IApiEndpoints
{
    void Map(IDictionary<string, ApiHandler> handlers);
}

/// <summary>
/// The single entry point both hosts call: checks the key and the rate limits, sets up the correlation id (log scope
/// and span tag), runs the route's handler, and turns typed errors into problem responses.
/// </summary>
public sealed class ApiDispatcher
{
    private const int MaxCorrelationIdLength = 128;

    /// <summary>Long enough for a restart or a failover to make progress, short enough that a client is not idle long.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly Dictionary<string, (ApiRoute Route, ApiHandler Handler)> _routes = new(StringComparer.Ordinal);
    private readonly ApiOptions _options;
    private readonly ILogger<ApiDispatcher> _logger;
    private readonly IOutageDetector[] _outages;
    private readonly ApiRateLimiter? _limiter;
    private readonly byte[]? _key;

    public ApiDispatcher(IEnumerable<IApiEndpoints> groups, ApiOptions options, IEnumerable<IOutageDetector> outages, ILogger<ApiDispatcher> logger, ApiRateLimiter? limiter = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _options = options;
        _logger = logger;
        _limiter = limiter;
        _outages = [.. outages];
        _key = string.IsNullOrEmpty(options.Key) ? null : Encoding.UTF8.GetBytes(options.Key);
        var handlers = new Dictionary<string, ApiHandler>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            group.Map(handlers);
        }

        _routes[ApiRoutes.Fallback.Name] = (ApiRoutes.Fallback, NoMatchingRouteAsync);
        foreach (var route in ApiRoutes.All)
        {
            _routes[route.Name] = handlers.TryGetValue(route.Name, out var handler)
                ? (route, handler)
                : throw new InvalidOperationException($"Route {route.Name} has no handler.");
        }
    }

    public async Task<ApiResponse> DispatchAsync(string routeName, ApiRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.Header("x-correlation-id");
        var correlationIdRefused = given is not null && !IsValidCorrelationId(given);
        var correlationId = given is not null && !correlationIdRefused ? given : Guid.NewGuid().ToString();
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId, ["Route"] = routeName });
        // The host's HTTP span (and, through it, the command and SQL spans under it) carries the correlation id.
        Activity.Current?.SetTag(Telemetry.CorrelationIdTag, correlationId);
        Activity.Current?.SetTag("es.route", routeName);

        ApiResponse response;
        var authenticated = IsAuthorized(request);
        if (!_routes.TryGetValue(routeName, out var entry))
        {
            response = ProblemResponse(Problem.NotFound($"No route {routeName}."), request, correlationId);
        }
        else if (entry.Route.RateLimited && _limiter?.TryAcquire(request, _key is not null && authenticated ? request.Header("x-functions-key") : null) is { } refusal)
        {
            Telemetry.RateLimited.Add(1, new KeyValuePair<string, object?>("limit", refusal.Limit));
            _logger.LogInformation("Request {Method} {Path} refused by the {Limit} rate limit", request.Method, request.Path, refusal.Limit);
            response = ProblemResponse(Problem.TooManyRequests(refusal.Limit, refusal.RetryAfterSeconds), request, correlationId)
                .With("Retry-After", refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        }
        else if (!entry.Route.Anonymous && !authenticated)
        {
            response = ProblemResponse(
                Problem.Of(HttpStatusCode.Unauthorized, "unauthorized", "A valid x-functions-key header is required.", "Send the API key in the x-functions-key header."),
                request,
                correlationId);
        }
        else if (correlationIdRefused)
        {
            response = ProblemResponse(
                Problem.InvalidInput("x-correlation-id", $"must be 1 to {MaxCorrelationIdLength} printable ASCII characters (it is echoed in a response header and stored with every event)"),
                request,
                correlationId);
        }
        else
        {
            response = await RunAsync(entry.Handler, new ApiContext(request, correlationId, _options, authenticated, ct), correlationId);
        }

        response.Headers["x-correlation-id"] = correlationId;
        return response;
    }

    /// <summary>A correlation id is echoed in a response header, so it must be printable ASCII; and it is stored with every event.</summary>
    public static bool IsValidCorrelationId(string value) => value.Length is > 0 and <= MaxCorrelationIdLength && value.All(c => c is >= ' ' and <= '~');

    /// <summary>The path is served with other methods: 405 with <c>Allow</c>; otherwise 404.</summary>
    private static Task<ApiResponse> NoMatchingRouteAsync(ApiContext context)
    {
        var path = context.Request.Path.Split('?')[0];
        var relative = path.StartsWith("/" + ApiRoutes.Prefix + "/", StringComparison.OrdinalIgnoreCase) ? path[(ApiRoutes.Prefix.Length + 2)..] : path;
        var allowed = ApiRoutes.All
            .Where(r => r.Parsed.TryMatch(relative, new Dictionary<string, string>()))
            .Select(r => r.Method.ToUpperInvariant())
            .Distinct()
            .ToList();
        return Task.FromResult(allowed.Count == 0
            ? ApiResponse.Problem(Problem.NotFound($"No route {context.Request.Method} {path}."))
            : ApiResponse.Problem(Problem.Of(HttpStatusCode.MethodNotAllowed, "method-not-allowed", "This route does not accept that method.", $"{context.Request.Method} {path}"))
                .With("Allow", string.Join(", ", allowed)));
    }

    public static ApiResponse ProblemResponse(Problem problem, ApiRequest request, string correlationId) =>
        ApiResponse.Of(problem.StatusCode, problem with { Instance = request.Path, CorrelationId = correlationId }, ApiResponse.ProblemJson);

    private async Task<ApiResponse> RunAsync(ApiHandler handler, ApiContext context, string correlationId)
    {
        Problem problem;
        try
        {
            context.RefuseUnstorableText();
            return await handler(context);
        }
        catch (Exception ex) when (ApiProblems.FromException(ex, context) is { } known)
        {
            problem = known;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (Outage(ex) is { } outage)
        {
            // Not a bug: say what is down (the reason may name hosts, so it goes to the log, not to the caller).
            _logger.LogWarning("{Dependency} is unavailable ({Reason}); answered {Method} {Path} with 503", outage.Dependency, outage.Reason, context.Request.Method, context.Request.Path);
            return ProblemResponse(Problem.ServiceUnavailable(outage.Dependency, RetryAfterSeconds), context.Request, correlationId)
                .With("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Unhandled error in {Path}", context.Request.Path);
            problem = Problem.Of(HttpStatusCode.InternalServerError, "internal-error", "Something went wrong; quote the correlation id when reporting it.");
        }

        if (problem.Status < 500)
        {
            _logger.LogInformation("Request {Method} {Path} answered {Status} {ProblemType}", context.Request.Method, context.Request.Path, problem.Status, problem.Type);
        }

        return ProblemResponse(problem, context.Request, correlationId);
    }

    private DependencyOutage? Outage(Exception error) => _outages.Select(o => o.Detect(error)).FirstOrDefault(o => o is not null);

    private bool IsAuthorized(ApiRequest request) => HasValidKey(request.Header("x-functions-key"));

    /// <summary>True when no key is configured or <paramref name="given"/> is it (constant-time); the metrics endpoint asks too.</summary>
    public bool HasValidKey(string? given) =>
        _key is null || (given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _key));
}
