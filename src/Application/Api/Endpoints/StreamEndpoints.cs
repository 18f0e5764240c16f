using System.Net;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Api.Contracts;
using Serverless.EventSourcing.Application.Retention;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Retention;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Raw stream routes: append, read, metadata, version, retention policy, tombstone.</summary>
public sealed class StreamEndpoints(IEventStore store, IEventProtector protector, RetentionGuard guard, RetentionPolicies retention, AggregateRegistry aggregates) : IApiEndpoints
{
    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["AppendEvents"] = AppendAsync;
        handlers["AppendStreams"] = AppendStreamsAsync;
        handlers["ReadStreamEvents"] = ReadAsync;
        handlers["GetStream"] = GetAsync;
        handlers["StreamExists"] = ExistsAsync;
        handlers["GetStreamVersion"] = VersionAsync;
        handlers["DeleteStream"] = DeleteAsync;
        handlers["SetStreamPolicy"] = SetPolicyAsync;
    }

    private async Task<ApiResponse> AppendAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        await context.Access.StreamAsync(Permission.Write, stream, context.Cancellation);
        var ifMatch = Preconditions.IfMatch(context);
        var body = await context.ReadJsonAsync();
        var request = AppendRequest.Parse(body, context.CorrelationId).WrittenBy(context);
        if (ifMatch is { } header && request.ExpectedVersion is { } inBody && header != inBody)
        {
            throw new InvalidInputException("expectedVersion", "disagrees with the If-Match header");
        }

        // Personal fields first, for their own answers (wrong kind, missing subject); then the folds; only then keys.
        protector.Check(stream, request.Events);
        aggregates.CheckFoldable(stream, request.Events);
        var events = await protector.ProtectAsync(stream, request.Events, context.Cancellation);
        var result = await store.AppendAsync(stream, ifMatch ?? request.ExpectedVersion ?? ExpectedVersion.Any, events, context.Cancellation);
        var payload = new AppendResponse(stream.Value, result.NextExpectedVersion, result.Positions, result.WasDuplicate);
        return ApiResponse.Of(result.WasDuplicate ? HttpStatusCode.OK : HttpStatusCode.Created, payload).WithETag(result.NextExpectedVersion);
    }

    /// <summary>Several streams' events, all committed in one transaction or none; each stream checked against its own expected version.</summary>
    private async Task<ApiResponse> AppendStreamsAsync(ApiContext context)
    {
        if (context.Request.Header("If-Match") is not null)
        {
            throw new InvalidInputException("If-Match", "does not apply to several streams: give each append its expectedVersion");
        }

        var parsed = MultiStreamAppendRequest.Parse(await context.ReadJsonAsync(), context.CorrelationId);
        // Every stream's permission before anything is encrypted or written: one refused stream refuses the request.
        foreach (var (stream, _) in parsed)
        {
            await context.Access.StreamAsync(Permission.Write, stream, context.Cancellation);
        }

        // Every append checked before any key is made or any event encrypted: a refusal anywhere leaves nothing behind.
        var written = new List<AppendRequest>(parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            var (stream, append) = parsed[i];
            written.Add(append.WrittenBy(context, $"appends[{i}]"));
            protector.Check(stream, written[i].Events, $"appends[{i}]");
            aggregates.CheckFoldable(stream, written[i].Events, $"appends[{i}]");
        }

        var appends = new List<StreamAppend>(parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            var stream = parsed[i].Stream;
            var events = await protector.ProtectAsync(stream, written[i].Events, context.Cancellation);
            appends.Add(new StreamAppend(stream, written[i].ExpectedVersion ?? ExpectedVersion.Any, events));
        }

        var results = await store.AppendStreamsAsync(appends, context.Cancellation);
        var payload = new MultiStreamAppendResponse(results.Select((r, i) => new AppendResponse(appends[i].Stream.Value, r.NextExpectedVersion, r.Positions, r.WasDuplicate)).ToList());
        return ApiResponse.Of(results.All(r => r.WasDuplicate) ? HttpStatusCode.OK : HttpStatusCode.Created, payload);
    }

    private async Task<ApiResponse> ReadAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        var visible = await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
        context.PersonalScope = new PersonalData.PersonalScope(stream.Category, stream);
        var direction = context.Query("direction")?.ToLowerInvariant() switch
        {
            null or "forward" => ReadDirection.Forward,
            "backward" => ReadDirection.Backward,
            _ => throw new InvalidInputException("direction", "must be 'forward' or 'backward'"),
        };
        var from = context.QueryLong("fromVersion") ?? (direction == ReadDirection.Forward ? 1 : 0);
        var slice = await store.ReadStreamAsync(stream, from, context.Limit(), direction, context.Cancellation);
        return slice.Status switch
        {
            StreamStatus.NotFound => NotFound(stream),
            StreamStatus.Deleted => Gone(stream),
            _ => ApiResponse.Of(HttpStatusCode.OK, new StreamPageResponse(
                stream.Value,
                slice.Version,
                direction.ToString().ToLowerInvariant(),
                visible.IsAll ? slice.Events : slice.Events.Where(e => visible.Includes(e.Type)).ToList(),
                slice.NextVersion))
                .WithETag(slice.Version)
                .WithNextLink(context.Request, "fromVersion", slice.NextVersion),
        };
    }

    private async Task<ApiResponse> GetAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
        var info = await store.GetStreamAsync(stream, context.Cancellation);
        return info is null
            ? NotFound(stream)
            : ApiResponse.Of(HttpStatusCode.OK, Info(info)).WithETag(info.Version);
    }

    /// <summary>Replaces the stream's own policy (an empty body or <c>{}</c> clears it); the category's settings fill its null fields.</summary>
    private async Task<ApiResponse> SetPolicyAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        await context.Access.StreamAsync(Permission.Operate, stream, context.Cancellation);
        var policy = PolicyRequest.Parse(await context.ReadJsonAsync());
        var info = await store.GetStreamAsync(stream, context.Cancellation);
        if (info is null)
        {
            return NotFound(stream);
        }

        if (info.IsDeleted)
        {
            return Gone(stream);
        }

        if (guard.Refusal(stream.Category, retention.Effective(stream.Category, policy), info.SnapshotVersion) is { } refusal)
        {
            return ApiResponse.Problem(Problem.RetentionRefused(refusal, guard.ProjectionsNeeding(stream.Category)));
        }

        var updated = await store.SetPolicyAsync(stream, policy, context.Cancellation);
        return updated is null ? NotFound(stream) : ApiResponse.Of(HttpStatusCode.OK, Info(updated)).WithETag(updated.Version);
    }

    private StreamInfoResponse Info(StreamInfo info) => new(
        info.StreamId, info.Category, info.Version, info.CreatedAt, info.UpdatedAt, info.IsDeleted, info.DeletedAt,
        StreamPolicyBody.From(info.Policy), StreamPolicyBody.From(retention.Effective(info.Category, info.Policy)), info.ArchivedVersion);

    private async Task<ApiResponse> ExistsAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
        var info = await store.GetStreamAsync(stream, context.Cancellation);
        return info switch
        {
            null => ApiResponse.Empty(HttpStatusCode.NotFound),
            { IsDeleted: true } => ApiResponse.Empty(HttpStatusCode.Gone),
            _ => ApiResponse.Empty(HttpStatusCode.OK).WithETag(info.Version),
        };
    }

    private async Task<ApiResponse> VersionAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        await context.Access.StreamAsync(Permission.Read, stream, context.Cancellation);
        var info = await store.GetStreamAsync(stream, context.Cancellation);
        return info is null
            ? NotFound(stream)
            : ApiResponse.Of(HttpStatusCode.OK, new StreamVersionResponse(info.StreamId, info.Version, info.IsDeleted)).WithETag(info.Version);
    }

    private async Task<ApiResponse> DeleteAsync(ApiContext context)
    {
        var stream = StreamId.Parse(context.Route("streamId"));
        await context.Access.StreamAsync(Permission.Operate, stream, context.Cancellation);
        var ifMatch = Preconditions.IfMatch(context);
        var info = await store.TombstoneAsync(stream, ifMatch ?? ExpectedVersion.Any, context.Cancellation);
        return ApiResponse.Of(HttpStatusCode.OK, new StreamDeletedResponse(info.StreamId, info.Version, info.DeletedAt));
    }

    private static ApiResponse NotFound(StreamId stream) => ApiResponse.Problem(Problem.NotFound($"Stream {stream.Value} does not exist."));

    private static ApiResponse Gone(StreamId stream) => ApiResponse.Problem(Problem.Gone($"Stream {stream.Value} has been deleted."));
}
