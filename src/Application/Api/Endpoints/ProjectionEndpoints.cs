using System.Net;
using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Projection status and lag, rebuilds (202 + progress URL), parked events and their retry. A projection reads every
/// category it follows, so all of these need <c>operate</c> on every category.
/// </summary>
public sealed class ProjectionEndpoints(IProjectionAdmin admin) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["ListProjections"] = Operator(async c => ApiResponse.Of(HttpStatusCode.OK, new
        {
            projections = await admin.StatusAsync(null, c.Cancellation),
            waitingOnAppends = await admin.WaitingOnAsync(c.Cancellation),
        }));
        handlers["GetProjection"] = Operator(GetAsync);
        handlers["RebuildProjection"] = Operator(RebuildAsync);
        handlers["ListParkedEvents"] = Operator(async c => ApiResponse.Of(HttpStatusCode.OK, new { parked = await admin.ParkedAsync(Name(c), c.Limit(), c.Cancellation) }));
        handlers["RetryParkedEvent"] = Operator(RetryAsync);
        handlers["SkipParkedEvent"] = Operator(SkipAsync);
    }

    private static ApiHandler Operator(ApiHandler handler) => context =>
    {
        context.Access.RequireEverywhere(Permission.Operate);
        return handler(context);
    };

    private async Task<ApiResponse> GetAsync(ApiContext context)
    {
        var status = await admin.StatusAsync(Name(context), context.Cancellation);
        return ApiResponse.Of(HttpStatusCode.OK, status.Single());
    }

    private static readonly System.Text.Json.JsonElement NoFilter = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone();

    private async Task<ApiResponse> RebuildAsync(ApiContext context)
    {
        var name = Name(context);
        var body = await context.ReadJsonAsync(whenEmpty: NoFilter);
        var filter = Events.EventJson.ReadInput<RebuildRequest>(body);

        if (filter.From is { } f && filter.To is { } t && f > t)
        {
            throw new InvalidInputException("to", "must not be before 'from'");
        }

        if (!await admin.StartRebuildAsync(name, filter.Category, filter.From, filter.To, context.Cancellation))
        {
            var problem = Problem.Of(HttpStatusCode.Conflict, "rebuild-running", "A rebuild of this projection is already running.");
            return ApiResponse.Problem(problem);
        }

        var location = $"/api/projections/{name}";
        return ApiResponse.Of(HttpStatusCode.Accepted, new { projection = name, status = "running", statusUrl = location }).With("Location", location);
    }

    private async Task<ApiResponse> RetryAsync(ApiContext context)
    {
        var name = Name(context);
        var id = ParkedId(context);
        var outcome = await admin.RetryParkedAsync(name, id, context.Cancellation);
        var problem = outcome switch
        {
            ParkedRetry.Applied => null,
            ParkedRetry.NotFound => Problem.NotFound($"No parked event {id} for projection {name}."),
            _ => Problem.Of(HttpStatusCode.UnprocessableEntity, "retry-failed", "The parked event failed again; it stays parked with the new error."),
        };
        return problem is null
            ? ApiResponse.Of(HttpStatusCode.OK, new { projection = name, id, status = "resolved" })
            : ApiResponse.Problem(problem);
    }

    private async Task<ApiResponse> SkipAsync(ApiContext context)
    {
        var name = Name(context);
        var id = ParkedId(context);
        var request = Events.EventJson.ReadInput<SkipRequest>(await context.ReadJsonAsync());
        var reason = request.Reason?.Trim() is { Length: > 0 and <= 1000 } given ? given : throw new InvalidInputException("reason", "is required (1 to 1000 characters): say why the event is given up");
        var by = SkippedBy(context, request.By);
        context.AuditDetail["reason"] = reason;
        context.AuditDetail["by"] = by;
        return await admin.SkipParkedAsync(name, id, by, reason, context.Cancellation) == ParkedRetry.NotFound
            ? ApiResponse.Problem(Problem.NotFound($"No parked event {id} for projection {name}."))
            : ApiResponse.Of(HttpStatusCode.OK, new { projection = name, id, status = "skipped", by, reason });
    }

    /// <summary>
    /// Who gives the event up: the authenticated principal (a <c>by</c> naming someone else needs <c>act-as</c>, as
    /// <c>x-user-id</c> does); on an open API, <c>by</c> is required since nobody else is known.
    /// </summary>
    private static string SkippedBy(ApiContext context, string? given)
    {
        var by = given?.Trim();
        if (by is { Length: 0 or > 200 } || (by is null && context.Principal.IsAnonymous))
        {
            throw new InvalidInputException("by", "is required (1 to 200 characters): who gives the event up");
        }

        if (by is null || by == context.Principal.Subject || context.Principal.IsAnonymous)
        {
            return by ?? context.Principal.Subject;
        }

        return context.Access.Rights.HasAny(Permission.ActAs)
            ? by
            : throw new AccessDeniedException(Permission.ActAs, null, "Only a principal with the 'act-as' permission may name someone else in 'by'.");
    }

    private static long ParkedId(ApiContext context) =>
        long.TryParse(context.Route("id"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new InvalidInputException("id", "must be a positive number");

    private string Name(ApiContext context)
    {
        var name = context.Route("name");
        return admin.Names.Contains(name) ? name : throw new UnknownProjectionException(name);
    }
}

/// <summary>Optional part of the log a rebuild replays: a category and/or a time range.</summary>
internal sealed record RebuildRequest(string? Category, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>Who gives a parked event up, and why: both are recorded with it.</summary>
internal sealed record SkipRequest(string? By, string? Reason);

/// <summary>Answered 404 by the dispatcher.</summary>
public sealed class UnknownProjectionException(string name) : ResourceNotFoundException($"No projection named '{name}'.");
