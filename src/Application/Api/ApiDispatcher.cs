using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Application.Api.RateLimiting;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Diagnostics;

namespace Serverless.EventSourcing.Application.Api;

public delegate Task<ApiResponse> ApiHandler(ApiContext context);

/// <summary>A group of endpoints registers its handlers by route name.</summary>
public interface IApiEndpoints
{
    void Map(IDictionary<string, ApiHandler> handlers);
}

/// <summary>
/// The single entry point both hosts call: authenticates the request (one principal, see <see cref="RequestAuthenticator"/>),
/// applies the rate limits per principal, lets in only callers with some grant of the route's permission, sets up the
/// correlation id (log scope and span tag), runs the route's handler, records operator actions in the audit trail, and
/// turns typed errors into problem responses.
/// </summary>
public sealed class ApiDispatcher
{
    internal const int MaxCorrelationIdLength = 128;

    /// <summary>Long enough for a restart or a failover to make progress, short enough that a client is not idle long.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly Dictionary<string, (ApiRoute Route, ApiHandler Handler)> _routes = new(StringComparer.Ordinal);
    private readonly ApiOptions _options;
    private readonly ILogger<ApiDispatcher> _logger;
    private readonly IOutageDetector[] _outages;
    private readonly ApiRateLimiter? _limiter;
    private readonly RequestAuthenticator _authenticator;
    private readonly AccessPolicy _policy;
    private readonly AuditTrail _audit;
    private readonly PersonalData.PersonalDataView _personalData;

    public ApiDispatcher(
        IEnumerable<IApiEndpoints> groups,
        ApiOptions options,
        IEnumerable<IOutageDetector> outages,
        RequestAuthenticator authenticator,
        AccessPolicy policy,
        AuditTrail audit,
        PersonalData.PersonalDataView personalData,
        ILogger<ApiDispatcher> logger,
        ApiRateLimiter? limiter = null)
    {
        _personalData = personalData;
        ArgumentNullException.ThrowIfNull(groups);
        _options = options;
        _logger = logger;
        _limiter = limiter;
        _authenticator = authenticator;
        _policy = policy;
        _audit = audit;
        _outages = [.. outages];
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

    /// <summary>How requests are authenticated: <c>open</c>, <c>keys</c>, <c>tokens</c> or <c>keys+tokens</c>.</summary>
    public string AuthenticationMode => _authenticator.Mode;

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

        // A token in the query is taken out first: nothing after this point (logs, problem instances, links) sees it.
        var queryToken = QueryCredential.Take(ref request);
        ApiResponse response;
        if (!_routes.TryGetValue(routeName, out var entry))
        {
            response = ProblemResponse(Problem.NotFound($"No route {routeName}."), request, correlationId);
        }
        else
        {
            response = await AuthorizeAndRunAsync(entry.Route, entry.Handler, request, queryToken, correlationId, correlationIdRefused, ct);
        }

        response.Headers["x-correlation-id"] = correlationId;
        return response;
    }

    private async Task<ApiResponse> AuthorizeAndRunAsync(ApiRoute route, ApiHandler handler, ApiRequest request, string? queryToken, string correlationId, bool correlationIdRefused, CancellationToken ct)
    {
        var auth = await _authenticator.AuthenticateAsync(request, queryToken, route.QueryToken, ct);
        if (route.RateLimited && _limiter?.TryAcquire(request, auth.Principal is { IsAnonymous: false } known ? known.Id : null) is { } refusal)
        {
            Telemetry.RateLimited.Add(1, new KeyValuePair<string, object?>("limit", refusal.Limit));
            _logger.LogInformation("Request {Method} {Path} refused by the {Limit} rate limit", request.Method, request.Path, refusal.Limit);
            return ProblemResponse(Problem.TooManyRequests(refusal.Limit, refusal.RetryAfterSeconds), request, correlationId)
                .With("Retry-After", refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        }

        if (auth.Failure is { } failure && !route.Anonymous)
        {
            return Unauthenticated(failure, request, correlationId);
        }

        // Probes answer whoever asks; a caller whose credential failed is told only what an anonymous one is.
        var access = auth.Principal is { } principal ? _policy.For(principal) : _policy.Nobody;
        if (correlationIdRefused)
        {
            return ProblemResponse(
                Problem.InvalidInput("x-correlation-id", $"must be 1 to {MaxCorrelationIdLength} printable ASCII characters (it is echoed in a response header and stored with every event)"),
                request,
                correlationId);
        }

        var context = new ApiContext(request, correlationId, _options, access, ct);
        var response = route.Permission is { } needed && !access.Rights.HasAny(needed)
            ? ProblemResponse(ApiProblems.Forbidden(AccessDeniedException.For(needed, null)), request, correlationId)
            : await RunAsync(handler, context, correlationId);
        if (route.Audited && IsAttempt(response.Status))
        {
            // Recorded whatever the caller does next: a client that hangs up does not erase the record of what it did.
            await _audit.RecordAsync(access.Principal, route.Name, request.RouteValues, response.Status, Outcome(response), context.AuditDetail, correlationId, CancellationToken.None);
        }

        return response;
    }

    private ApiResponse Unauthenticated(AuthFailure failure, ApiRequest request, string correlationId)
    {
        if (failure.ProviderUnavailable)
        {
            _logger.LogWarning("Answered {Method} {Path} with 503: the token issuer's keys cannot be fetched", request.Method, request.Path);
            return ProblemResponse(Problem.ServiceUnavailable("The token issuer", RetryAfterSeconds), request, correlationId)
                .With("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        }

        _logger.LogInformation("Request {Method} {Path} answered 401 ({AuthError})", request.Method, request.Path, failure.Error ?? "no credential");
        return ProblemResponse(Problem.Unauthorized(failure.Description), request, correlationId)
            .With("WWW-Authenticate", Challenges.For(failure, _authenticator.Options));
    }

    /// <summary>
    /// An operator action was attempted: it ran, or was refused for who asked (403) or for the state it met (404, 409…).
    /// A request that never got that far (malformed, too large, rate-limited) is not an action and is not recorded.
    /// </summary>
    private static bool IsAttempt(int status) => status is not (400 or 413 or 415 or 429);

    /// <summary>What the audit record says happened: <c>succeeded</c>, <c>denied</c>, or the problem's slug (<c>not-found</c>, <c>rebuild-running</c>…).</summary>
    private static string Outcome(ApiResponse response)
    {
        if (response.Status < 400)
        {
            return "succeeded";
        }

        if (response.Status == 403)
        {
            return "denied";
        }

        if (response.ContentType == ApiResponse.ProblemJson && response.Body.Length > 0)
        {
            using var problem = System.Text.Json.JsonDocument.Parse(response.Body);
            if (problem.RootElement.TryGetProperty("type", out var type) && type.GetString() is { } text)
            {
                return text[(text.LastIndexOf(':') + 1)..];
            }
        }

        return "failed";
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

    /// <summary>A problem a handler answered with, as a thrown one would go out: with the request's path and correlation id, and the handler's headers.</summary>
    private static ApiResponse WithRequest(Problem answered, ApiResponse response, ApiRequest request, string correlationId)
    {
        var complete = ProblemResponse(answered, request, correlationId);
        foreach (var (name, value) in response.Headers)
        {
            complete.Headers[name] = value;
        }

        return complete;
    }

    private async Task<ApiResponse> RunAsync(ApiHandler handler, ApiContext context, string correlationId)
    {
        Problem problem;
        try
        {
            context.RefuseUnstorableText();
            // Every response goes out with its personal values as this caller may see them (decrypted, redacted, erased).
            var response = await _personalData.RenderAsync(await handler(context), context);
            return response.AnsweredProblem is { CorrelationId: null } answered ? WithRequest(answered, response, context.Request, correlationId) : response;
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

    /// <summary>
    /// For endpoints outside the route table (the local host's metrics scrape): true when the request's credentials
    /// authenticate a principal with <paramref name="permission"/>, or the API is open.
    /// </summary>
    public async Task<bool> IsAllowedAsync(ApiRequest request, Permission permission, CancellationToken ct)
    {
        var auth = await _authenticator.AuthenticateAsync(request, null, false, ct);
        return auth.Principal is { } principal && _policy.RightsOf(principal).HasAny(permission);
    }
}
