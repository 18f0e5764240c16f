using System.Net;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Querying and replaying the log, paged by global position. Both return only what the caller may see (its read
/// grants across categories); a filter narrows that, and a category filter the caller has no read on is 403.
/// </summary>
public sealed class EventEndpoints(IEventStore store) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["QueryEvents"] = QueryAsync;
        handlers["Replay"] = ReplayAsync;
    }

    private async Task<ApiResponse> QueryAsync(ApiContext context)
    {
        var query = new EventQuery
        {
            Category = context.Access.RequireVisible(CheckCategory(context.Query("category"), "category")),
            EventTypes = CheckTypes(context.Query("eventType")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "eventType"),
            CorrelationId = context.Query("correlationId"),
            Principal = PrincipalFilter(context),
            Visible = context.Access.Rights.Visible(),
            From = context.QueryTime("from"),
            To = context.QueryTime("to"),
            AfterPosition = context.QueryLong("afterPosition") ?? 0,
            Limit = context.Limit(),
        };
        var page = await store.QueryAsync(query, context.Cancellation);
        return Page(page).WithNextLink(context.Request, "afterPosition", page.NextAfterPosition);
    }

    private async Task<ApiResponse> ReplayAsync(ApiContext context)
    {
        var body = await context.ReadJsonAsync();
        var request = EventJson.ReadInput<Contracts.ReplayRequest>(body);

        // One named stream may be one the caller owns; otherwise only what its grants show across categories.
        var visible = context.Access.Rights.Visible();
        if (request.StreamId is { } streamId)
        {
            var stream = Streams.StreamId.Parse(streamId);
            var scope = await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
            visible = new Visibility { Listed = new Dictionary<string, IReadOnlySet<string>?> { [stream.Category] = scope.Types } };
        }

        context.Access.RequireVisible(CheckCategory(request.Category, "category"));
        CheckTypes(request.EventTypes, "eventTypes");

        // Versions and positions follow the query routes' rule: 0 or more (fromVersion 0 is the start).
        foreach (var (field, value) in new[] { ("fromVersion", request.FromVersion), ("toVersion", request.ToVersion), ("afterPosition", request.AfterPosition) })
        {
            if (value < 0)
            {
                throw new InvalidInputException(field, "must be 0 or more");
            }
        }

        if (request.FromVersion > request.ToVersion)
        {
            throw new InvalidInputException("fromVersion", "must not be above toVersion");
        }

        // The store's own check would name the query route's "to"; this body calls it toTimestamp.
        if (request.FromTimestamp > request.ToTimestamp)
        {
            throw new InvalidInputException("toTimestamp", "must not be before fromTimestamp");
        }

        var limit = request.Limit ?? 100;
        if (limit < 1 || limit > context.MaxPageSize)
        {
            throw new InvalidInputException("limit", $"must be between 1 and {context.MaxPageSize}");
        }

        var page = await store.QueryAsync(
            new EventQuery
            {
                StreamId = request.StreamId,
                Category = request.Category,
                EventTypes = request.EventTypes,
                From = request.FromTimestamp,
                To = request.ToTimestamp,
                FromVersion = request.FromVersion,
                ToVersion = request.ToVersion,
                AfterPosition = request.AfterPosition ?? 0,
                Limit = limit,
                Visible = visible,
            },
            context.Cancellation);
        return Page(page);
    }

    /// <summary><c>principal</c>: what one principal wrote; another's needs <c>audit</c>.</summary>
    private static string? PrincipalFilter(ApiContext context)
    {
        var principal = context.Query("principal");
        if (principal is not null && principal != context.Principal.Id && !context.Access.Rights.HasAny(Permission.Audit))
        {
            throw new AccessDeniedException(Permission.Audit, null, "Finding what another principal wrote needs the 'audit' permission.");
        }

        return principal;
    }

    /// <summary>A filter no event can match is a mistake to report (400), not an empty page.</summary>
    private static string? CheckCategory(string? category, string field) => category is null ? null : Streams.StreamId.CheckCategory(category, field);

    private static IReadOnlyList<string>? CheckTypes(IReadOnlyList<string>? types, string field)
    {
        if (types is { Count: 0 })
        {
            throw new InvalidInputException(field, "give at least one event type, or leave the filter out");
        }

        foreach (var type in types ?? [])
        {
            AppendValidator.ValidateType(type, field);
        }

        return types;
    }

    private static ApiResponse Page(QueryPage page) =>
        ApiResponse.Of(HttpStatusCode.OK, new Contracts.EventPageResponse(page.Events, page.NextAfterPosition));
}
