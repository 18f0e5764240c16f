using System.Net;
using System.Text.Json;

namespace Serverless.EventSourcing.Client;

/// <summary>The API answered with an RFC 7807 problem; the subclasses are the ones a caller handles (conflict, rule, not found, credentials).</summary>
public class ApiProblemException : Exception
{
    public ApiProblemException()
    {
    }

    public ApiProblemException(string message)
        : base(message)
    {
    }

    public ApiProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ApiProblemException(HttpStatusCode status, JsonElement problem)
        : base(Text(problem, "detail") ?? Text(problem, "title") ?? $"The API answered {(int)status}.")
    {
        Status = status;
        ProblemType = Text(problem, "type");
        Problem = problem.ValueKind == JsonValueKind.Undefined ? default : problem.Clone();
    }

    public HttpStatusCode Status { get; }

    /// <summary>The problem's stable type, <c>urn:serverless-eventsourcing:problem:&lt;slug&gt;</c>.</summary>
    public string? ProblemType { get; }

    /// <summary>The whole problem document.</summary>
    public JsonElement Problem { get; }

    internal static string? Text(JsonElement problem, string name) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static long? Number(JsonElement problem, string name) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    /// <summary>The typed exception for a problem answer.</summary>
    internal static ApiProblemException From(HttpStatusCode status, JsonElement problem) => (status, Text(problem, "type")?.Split(':').Last()) switch
    {
        (HttpStatusCode.PreconditionFailed, _) or (HttpStatusCode.Conflict, "concurrency-conflict") => new ConcurrencyConflictException(status, problem),
        (HttpStatusCode.UnprocessableEntity, "rule-violation") => new RuleViolationException(status, problem),
        (HttpStatusCode.NotFound, _) or (HttpStatusCode.Gone, _) => new NotFoundException(status, problem),
        (HttpStatusCode.Unauthorized, _) or (HttpStatusCode.Forbidden, _) => new AccessDeniedException(status, problem),
        (HttpStatusCode.BadRequest, _) => new InvalidRequestException(status, problem),
        _ => new ApiProblemException(status, problem),
    };
}

/// <summary>The stream is not at the expected version (412 for If-Match, 409 for a body version); <see cref="CurrentVersion"/> says where it is.</summary>
public sealed class ConcurrencyConflictException : ApiProblemException
{
    public ConcurrencyConflictException()
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ConcurrencyConflictException(HttpStatusCode status, JsonElement problem)
        : base(status, problem) => CurrentVersion = Number(problem, "currentVersion");

    public long? CurrentVersion { get; }
}

/// <summary>A business rule refused the command (422); <see cref="RuleCode"/> names it.</summary>
public sealed class RuleViolationException : ApiProblemException
{
    public RuleViolationException()
    {
    }

    public RuleViolationException(string message)
        : base(message)
    {
    }

    public RuleViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal RuleViolationException(HttpStatusCode status, JsonElement problem)
        : base(status, problem) => RuleCode = Text(problem, "ruleCode");

    public string? RuleCode { get; }
}

/// <summary>Not found (404), or the stream was deleted (410).</summary>
public sealed class NotFoundException : ApiProblemException
{
    public NotFoundException()
    {
    }

    public NotFoundException(string message)
        : base(message)
    {
    }

    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal NotFoundException(HttpStatusCode status, JsonElement problem)
        : base(status, problem)
    {
    }
}

/// <summary>No valid credential (401) or a missing permission (403, <see cref="Permission"/> names it).</summary>
public sealed class AccessDeniedException : ApiProblemException
{
    public AccessDeniedException()
    {
    }

    public AccessDeniedException(string message)
        : base(message)
    {
    }

    public AccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal AccessDeniedException(HttpStatusCode status, JsonElement problem)
        : base(status, problem) => Permission = Text(problem, "permission");

    public string? Permission { get; }
}

/// <summary>The request was invalid (400); <see cref="Field"/> names the member or parameter.</summary>
public sealed class InvalidRequestException : ApiProblemException
{
    public InvalidRequestException()
    {
    }

    public InvalidRequestException(string message)
        : base(message)
    {
    }

    public InvalidRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal InvalidRequestException(HttpStatusCode status, JsonElement problem)
        : base(status, problem) => Field = Text(problem, "field");

    public string? Field { get; }
}
