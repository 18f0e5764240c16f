using System.Net;
using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>An RFC 7807 problem with a stable <see cref="Type"/> per error class, plus our extension members.</summary>
public sealed record Problem
{
    private const string TypePrefix = "urn:serverless-eventsourcing:problem:";

    public required string Type { get; init; }

    public required string Title { get; init; }

    public required int Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Instance { get; init; }

    /// <summary>For 400s: the offending field (JSON path or parameter name).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Field { get; init; }

    /// <summary>For 409/412: the version the stream is at.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CurrentVersion { get; init; }

    /// <summary>For 422s: the business rule's code.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RuleCode { get; init; }

    /// <summary>For 403s: the permission the caller lacks (for example <c>execute</c>), and where.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Permission { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Category { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CorrelationId { get; init; }

    /// <summary>For a refused multi-stream append: each refusing stream's own answer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<StreamProblem>? Refusals { get; init; }

    /// <summary>For a refused retention policy: the projections whose rebuild needs the events it would remove.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Projections { get; init; }

    /// <summary>For a route this host cannot serve as asked: the one that serves the same (a WebSocket route's SSE route).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Alternative { get; init; }

    [JsonIgnore]
    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    public static Problem Of(HttpStatusCode status, string slug, string title, string? detail = null) =>
        new() { Type = TypePrefix + slug, Title = title, Status = (int)status, Detail = detail };

    public static Problem InvalidInput(string field, string reason) =>
        Of(HttpStatusCode.BadRequest, "invalid-input", "The request is invalid.", $"{field}: {reason}") with { Field = field };

    /// <summary>No valid credential: the response carries <c>WWW-Authenticate</c> saying why.</summary>
    public static Problem Unauthorized(string detail) =>
        Of(HttpStatusCode.Unauthorized, "unauthorized", "A valid credential is required.", detail);

    /// <summary>Authenticated, but not allowed: names the missing permission.</summary>
    public static Problem Forbidden(string permission, string? category, string detail) =>
        Of(HttpStatusCode.Forbidden, "forbidden", "The principal lacks a permission this needs.", detail) with { Permission = permission, Category = category };

    public static Problem NotFound(string detail) => Of(HttpStatusCode.NotFound, "not-found", "Not found.", detail);

    public static Problem Conflict(long current, string detail) =>
        Of(HttpStatusCode.Conflict, "concurrency-conflict", "The stream is not at the expected version.", detail) with { CurrentVersion = current };

    public static Problem PreconditionFailed(long current, string detail) =>
        Of(HttpStatusCode.PreconditionFailed, "precondition-failed", "If-Match does not match the stream's version.", detail) with { CurrentVersion = current };

    public static Problem RuleViolation(string code, string? detail) =>
        Of(HttpStatusCode.UnprocessableEntity, "rule-violation", "A business rule rejected the command.", detail) with { RuleCode = code };

    /// <summary>A dependency is unreachable: the caller did nothing wrong and should retry (the response carries Retry-After).</summary>
    public static Problem ServiceUnavailable(string dependency, int retryAfterSeconds) =>
        Of(HttpStatusCode.ServiceUnavailable, "service-unavailable", "A dependency is unavailable; retry later.", $"{dependency} cannot be reached right now. Retry after {retryAfterSeconds} seconds.");

    /// <summary>Over a rate limit: nothing was done; the response carries Retry-After.</summary>
    public static Problem TooManyRequests(string limit, int retryAfterSeconds) =>
        Of(HttpStatusCode.TooManyRequests, "rate-limited", "Too many requests; slow down.", $"The {limit} rate limit is used up. Retry after {retryAfterSeconds} seconds.");

    /// <summary>The instance serves its cap of live subscribers (<c>Live:MaxSubscribers</c>); the response carries Retry-After.</summary>
    public static Problem TooManySubscribers(int max, int retryAfterSeconds) =>
        Of(HttpStatusCode.ServiceUnavailable, "too-many-subscribers", "This instance serves as many live subscribers as it may.", $"{max} live subscribers are open; retry after {retryAfterSeconds} seconds.");

    /// <summary>A WebSocket route on a host that cannot accept WebSockets (Azure Functions): names the SSE route to use.</summary>
    public static Problem WebSocketUnsupported(string sseRoute) =>
        Of(HttpStatusCode.BadRequest, "websocket-unsupported", "This host cannot accept WebSocket connections.", $"Azure Functions HTTP triggers cannot be upgraded to a WebSocket. Subscribe with server-sent events at {sseRoute}: the same filters, event ids and resume (Last-Event-ID or lastEventId).") with { Alternative = sseRoute };

    /// <summary>A WebSocket route asked without the upgrade; the response carries <c>Upgrade: websocket</c>.</summary>
    public static Problem WebSocketRequired(string sseRoute) =>
        Of(HttpStatusCode.UpgradeRequired, "websocket-required", "This route takes a WebSocket connection.", $"Connect with a WebSocket client (GET with Upgrade: websocket), or subscribe with server-sent events at {sseRoute}.") with { Alternative = sseRoute };

    /// <summary>A retention policy that would break an aggregate or a projection's rebuild: nothing was changed.</summary>
    public static Problem RetentionRefused(string detail, IReadOnlyList<string> projections) =>
        Of(HttpStatusCode.Conflict, "retention-refused", "The retention policy would remove events something still needs.", detail) with { Projections = projections.Count > 0 ? projections : null };

    public static Problem Gone(string detail) => Of(HttpStatusCode.Gone, "stream-deleted", "The stream has been deleted.", detail);
}

/// <summary>One stream's refusal within a multi-stream append: its place in the request, and the problem it would have been alone.</summary>
public sealed record StreamProblem(
    int Index,
    string StreamId,
    string Type,
    int Status,
    string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CurrentVersion);
