using System.Globalization;
using Serverless.EventSourcing.Application.Live;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Live subscriptions: one stream from a version, or the log filtered by category and event types, as server-sent events
/// or over a WebSocket (the same feeds, ids and resume). Everything is checked before the feed opens (400, 410, 503 at
/// the cap); the id to resume after (<c>Last-Event-ID</c>, or <c>?lastEventId=</c> where a client cannot set headers)
/// wins over the query's starting point, since a reconnecting EventSource repeats the original URL.
/// </summary>
public sealed class LiveEndpoints(IEventStore store, LiveLog log, LiveSubscriptions subscriptions, PersonalData.PersonalDataView personalData) : IApiEndpoints
{
    private const string LastEventIdHeader = "Last-Event-ID";
    private const string LastEventIdQuery = "lastEventId";

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["SubscribeStream"] = c => SubscribeStreamAsync(c, webSocket: false);
        handlers["SubscribeEvents"] = c => SubscribeEventsAsync(c, webSocket: false);
        handlers["SubscribeStreamSocket"] = c => SubscribeStreamAsync(c, webSocket: true);
        handlers["SubscribeEventsSocket"] = c => SubscribeEventsAsync(c, webSocket: true);
    }

    private async Task<ApiResponse> SubscribeStreamAsync(ApiContext context, bool webSocket)
    {
        if (webSocket && TransportRefusal(context) is { } refused)
        {
            return refused;
        }

        var stream = StreamId.Parse(context.Route("streamId"));
        var visible = await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
        // One rule for every route: versions are 0 or more, and fromVersion 0 means the start, as on streams/{id}/events.
        var from = context.QueryLong("fromVersion") is { } given ? Math.Max(1, given) : (long?)null;
        if (ResumeAfter(context) is { } lastId)
        {
            from = long.TryParse(lastId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version < long.MaxValue
                ? version + 1
                : throw new InvalidInputException(lastId.Field, "must be the id of an event of this stream (its version)");
        }

        var info = await store.GetStreamAsync(stream, context.Cancellation);
        if (info is { IsDeleted: true })
        {
            return ApiResponse.Problem(Problem.Gone($"Stream {stream.Value} has been deleted."));
        }

        // Without a starting point: only what is appended from now on.
        return Open(personalData.Rendering(new StreamLiveSource(store, log, stream, from ?? (info?.Version ?? 0) + 1, visible.Types), context.Access, stream), webSocket);
    }

    private async Task<ApiResponse> SubscribeEventsAsync(ApiContext context, bool webSocket)
    {
        if (webSocket && TransportRefusal(context) is { } refused)
        {
            return refused;
        }

        var category = context.Access.RequireVisible(context.Query("category") is { } c ? StreamId.CheckCategory(c) : null);
        var types = context.Query("eventType")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var type in types ?? [])
        {
            AppendValidator.ValidateType(type, "eventType");
        }

        var after = context.QueryLong("afterPosition");
        LogStart start;
        if (ResumeAfter(context) is { } lastId)
        {
            start = LogLiveSource.TryParseId(lastId.Value, out var cursor)
                ? new LogStart(cursor, 0)
                : throw new InvalidInputException(lastId.Field, "must be the id of an event of this feed (transaction id:position)");
        }
        else
        {
            // Without a starting point: only what commits from now on.
            start = await store.LogStartAfterAsync(after, context.Cancellation);
        }

        var source = new LogLiveSource(store, log, start, category, types is null ? null : new HashSet<string>(types, StringComparer.Ordinal), context.Access.Rights.Visible());
        return Open(personalData.Rendering(source, context.Access, null), webSocket);
    }

    private static (string Value, string Field)? ResumeAfter(ApiContext context) =>
        context.Request.Header(LastEventIdHeader) is { } header ? (header, LastEventIdHeader)
        : context.Query(LastEventIdQuery) is { } query ? (query, LastEventIdQuery)
        : null;

    /// <summary>A WebSocket route that cannot become one: on a host that cannot upgrade, or asked without the upgrade.</summary>
    private static ApiResponse? TransportRefusal(ApiContext context)
    {
        var request = context.Request;
        var sseRoute = request.Path.Replace("/live/ws", "/live", StringComparison.OrdinalIgnoreCase);
        if (!request.WebSocketsAccepted)
        {
            return ApiResponse.Problem(Problem.WebSocketUnsupported(sseRoute));
        }

        return request.IsWebSocketRequest ? null : ApiResponse.Problem(Problem.WebSocketRequired(sseRoute)).With("Upgrade", "websocket");
    }

    private ApiResponse Open(ILiveSource source, bool webSocket)
    {
        var subscription = subscriptions.TryOpen(source);
        if (subscription is null)
        {
            source.Dispose();
            var retry = ApiDispatcher.RetryAfterSeconds;
            return ApiResponse.Problem(Problem.TooManySubscribers(subscriptions.Options.MaxSubscribers, retry)).With("Retry-After", retry.ToString(CultureInfo.InvariantCulture));
        }

        if (webSocket)
        {
            return ApiResponse.WebSocket((socket, aborted) => WebSocketTransport.RunAsync(subscription, socket, aborted));
        }

        return ApiResponse.EventStream(subscription.WriteAsync)
            .With("Cache-Control", "no-cache")
            .With("X-Accel-Buffering", "no");
    }
}
