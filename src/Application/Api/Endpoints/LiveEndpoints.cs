using System.Globalization;
using Serverless.EventSourcing.Application.Live;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// Live subscriptions as server-sent events: one stream from a version, or the log filtered by category and event types.
/// Everything is checked before the stream opens (400, 410, 503 at the cap); <c>Last-Event-ID</c> wins over the query's
/// starting point, since a reconnecting EventSource repeats the original URL.
/// </summary>
public sealed class LiveEndpoints(IEventStore store, LiveSubscriptions subscriptions, PersonalData.PersonalDataView personalData) : IApiEndpoints
{
    private const string LastEventId = "Last-Event-ID";

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["SubscribeStream"] = SubscribeStreamAsync;
        handlers["SubscribeEvents"] = SubscribeEventsAsync;
    }

    private async Task<ApiResponse> SubscribeStreamAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        var visible = await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
        // One rule for every route: versions are 0 or more, and fromVersion 0 means the start, as on streams/{id}/events.
        var from = context.QueryLong("fromVersion") is { } given ? Math.Max(1, given) : (long?)null;
        if (context.Request.Header(LastEventId) is { } lastId)
        {
            from = long.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version < long.MaxValue
                ? version + 1
                : throw new InvalidInputException(LastEventId, "must be the id of an event of this stream (its version)");
        }

        var info = await store.GetStreamAsync(stream, context.Cancellation);
        if (info is { IsDeleted: true })
        {
            return ApiResponse.Problem(Problem.Gone($"Stream {stream.Value} has been deleted."));
        }

        // Without a starting point: only what is appended from now on.
        return Open(personalData.Rendering(new StreamLiveSource(store, stream, from ?? (info?.Version ?? 0) + 1, visible.Types), context.Access, stream));
    }

    private async Task<ApiResponse> SubscribeEventsAsync(ApiContext context)
    {
        var category = context.Access.RequireVisible(context.Query("category") is { } c ? StreamId.CheckCategory(c) : null);
        var types = context.Query("eventType")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var type in types ?? [])
        {
            AppendValidator.ValidateType(type, "eventType");
        }

        var after = context.QueryLong("afterPosition");
        LogStart start;
        if (context.Request.Header(LastEventId) is { } lastId)
        {
            start = LogLiveSource.TryParseId(lastId, out var cursor)
                ? new LogStart(cursor, 0)
                : throw new InvalidInputException(LastEventId, "must be the id of an event of this feed (transaction id:position)");
        }
        else
        {
            // Without a starting point: only what commits from now on.
            start = await store.LogStartAfterAsync(after, context.Cancellation);
        }

        return Open(personalData.Rendering(new LogLiveSource(store, start, category, types is null ? null : new HashSet<string>(types, StringComparer.Ordinal), context.Access.Rights.Visible()), context.Access, null));
    }

    private ApiResponse Open(ILiveSource source)
    {
        var subscription = subscriptions.TryOpen(source);
        if (subscription is null)
        {
            var retry = ApiDispatcher.RetryAfterSeconds;
            return ApiResponse.Problem(Problem.TooManySubscribers(subscriptions.Options.MaxSubscribers, retry)).With("Retry-After", retry.ToString(CultureInfo.InvariantCulture));
        }

        return ApiResponse.EventStream(subscription.WriteAsync)
            .With("Cache-Control", "no-cache")
            .With("X-Accel-Buffering", "no");
    }
}
