using System.Net;
using Serverless.EventSourcing.Application.Projections;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Projection status and lag, rebuilds (202 + progress URL), parked events and their retry.</summary>
public sealed class ProjectionEndpoints(IProjectionAdmin admin) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["ListProjections"] = async c => ApiResponse.Of(HttpStatusCode.OK, new { projections = await admin.StatusAsync(null, c.Cancellation) });
        handlers["GetProjection"] = GetAsync;
        handlers["RebuildProjection"] = RebuildAsync;
        handlers["ListParkedEvents"] = async c => ApiResponse.Of(HttpStatusCode.OK, new { parked = await admin.ParkedAsync(Name(c), c.Limit(), c.Cancellation) });
        handlers["RetryParkedEvent"] = RetryAsync;
    }

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
        var id = long.TryParse(context.Route("id"), out var parsed) && parsed > 0 ? parsed : throw new InvalidInputException("id", "must be a positive number");
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

    private string Name(ApiContext context)
    {
        var name = context.Route("name");
        return admin.Names.Contains(name) ? name : throw new UnknownProjectionException(name);
    }
}

/// <summary>Optional part of the log a rebuild replays: a category and/or a time range.</summary>
internal sealed record RebuildRequest(string? Category, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>Answered 404 by the dispatcher.</summary>
public sealed class UnknownProjectionException(string name) : EventSourcingException($"No projection named '{name}'.");
