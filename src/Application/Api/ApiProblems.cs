using System.Net;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Commands;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// The one place outcomes and errors become HTTP: typed exceptions from any handler, and command results. A version
/// mismatch is 412 when the caller pinned the version with <c>If-Match</c> and 409 otherwise (a body
/// <c>expectedVersion</c>), both with the current version.
/// </summary>
public static class ApiProblems
{
    /// <summary>The problem for an error a handler let through; null for anything that is not a known client error.</summary>
    public static Problem? FromException(Exception error, ApiContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return error switch
        {
            InvalidInputException ex => Problem.InvalidInput(ex.Field, ex.Reason),
            UnsupportedMediaTypeException ex => Problem.Of(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type", "The request body must be JSON.", ex.Message),
            PayloadTooLargeException ex => Problem.Of(HttpStatusCode.RequestEntityTooLarge, "payload-too-large", "The request body is too large.", ex.Message),
            WrongExpectedVersionException ex => Mismatch(ex.CurrentVersion, ex.Message, context),
            DuplicateEventIdException ex => Problem.Of(HttpStatusCode.Conflict, "duplicate-event-id", "An event id was already used.", ex.Message) with { CurrentVersion = ex.CurrentVersion },
            StreamDeletedException ex => Problem.Gone(ex.Message),
            ResourceNotFoundException ex => Problem.NotFound(ex.Message),
            AccessDeniedException ex => Forbidden(ex),
            SubjectErasedException ex => Problem.Of(HttpStatusCode.Conflict, "subject-erased", "The data subject has been erased.", ex.Message),
            MultiStreamAppendException ex => Problem.Of(HttpStatusCode.Conflict, "multi-stream-append-refused", "No stream was appended to: at least one refused.", ex.Message) with
            {
                Refusals = ex.Refusals.Select(r => Refusal(r, context)).ToList(),
            },
            _ => null,
        };
    }

    /// <summary>A command's outcome as a response: 200 with the result and its version as ETag, or the problem.</summary>
    public static ApiResponse FromCommand(CommandResult result, ApiContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        var response = result.Status switch
        {
            CommandStatus.Succeeded => ApiResponse.Of(HttpStatusCode.OK, result).WithETag(result.Version),
            CommandStatus.NotFound => ApiResponse.Problem(Problem.NotFound(result.Message ?? "Not found.")),
            CommandStatus.Rejected => ApiResponse.Problem(Problem.RuleViolation(result.RuleCode!, result.Message)),
            CommandStatus.Conflict => ApiResponse.Problem(Mismatch(result.CurrentVersion ?? 0, result.Message ?? "", context)),
            CommandStatus.Deleted => ApiResponse.Problem(Problem.Gone(result.Message ?? "")),
            CommandStatus.Forbidden => ApiResponse.Problem(Problem.Forbidden(result.Permission ?? "", null, result.Message ?? "")),
            CommandStatus.IdempotencyKeyReused => ApiResponse.Problem(Problem.Of(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused", "The Idempotency-Key was used for another request.", result.Message)),
            _ => throw new InvalidOperationException($"Unexpected command status {result.Status}."),
        };
        return result.Replayed ? response.With("Idempotent-Replayed", "true") : response;
    }

    /// <summary>One stream's refusal, as the problem its error alone would have been (a body version mismatch: 409 concurrency-conflict).</summary>
    private static StreamProblem Refusal(StreamRefusal refusal, ApiContext context)
    {
        var problem = FromException(refusal.Error, context) ?? Problem.Of(HttpStatusCode.Conflict, "refused", "The stream refused the append.");
        return new StreamProblem(refusal.Index, refusal.StreamId, problem.Type, problem.Status, refusal.Error.Message, problem.CurrentVersion);
    }

    public static Problem Forbidden(AccessDeniedException denied)
    {
        ArgumentNullException.ThrowIfNull(denied);
        return Problem.Forbidden(denied.Permission.Name(), denied.Category, denied.Message);
    }

    private static Problem Mismatch(long current, string detail, ApiContext context) =>
        context.PinnedByIfMatch ? Problem.PreconditionFailed(current, detail) : Problem.Conflict(current, detail);
}
