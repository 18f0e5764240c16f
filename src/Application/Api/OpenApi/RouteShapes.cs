using Serverless.EventSourcing.Application.Api.Contracts;
using Serverless.EventSourcing.Commands;
using P = Serverless.EventSourcing.Application.Api.OpenApi.ApiParameters;

namespace Serverless.EventSourcing.Application.Api.OpenApi;

/// <summary>The shape of every route of <see cref="ApiRoutes.All"/>, by route name; a route missing here fails the document (and its test).</summary>
internal static class RouteShapes
{
    public const string AppendBody = "AppendRequest";
    public const string MultiStreamAppendBody = "MultiStreamAppendRequest";

    private static readonly int[] BodyErrors = [413, 415];

    public static IReadOnlyDictionary<string, RouteShape> ByRoute { get; } = new Dictionary<string, RouteShape>(StringComparer.Ordinal)
    {
        ["AppendEvents"] = new()
        {
            Parameters = [P.IfMatch, P.CorrelationId, P.UserId], BodyComponent = AppendBody,
            Success = 201, AlsoSuccess = 200, Answer = typeof(AppendResponse), ETag = true,
            SuccessDescription = "Appended (201), or every event id was already recorded with the same content (200, nothing written)",
            Errors = [409, 410, 412, .. BodyErrors],
        },
        ["AppendStreams"] = new()
        {
            Parameters = [P.CorrelationId, P.UserId], BodyComponent = MultiStreamAppendBody,
            Success = 201, AlsoSuccess = 200, Answer = typeof(MultiStreamAppendResponse),
            SuccessDescription = "All appended in one transaction (201), or all already recorded (200)",
            Errors = [409, 410, .. BodyErrors],
        },
        ["ReadStreamEvents"] = new() { Parameters = [P.FromVersion, P.Limit, P.Direction], Answer = typeof(StreamPageResponse), ETag = true, Paged = true, Errors = [404, 410] },
        ["GetStream"] = new() { Answer = typeof(StreamInfoResponse), ETag = true, Errors = [404] },
        ["StreamExists"] = new() { NoBody = true, ETag = true, SuccessDescription = "The stream exists (404: it does not; 410: deleted)", Errors = [404, 410] },
        ["GetStreamVersion"] = new() { Answer = typeof(StreamVersionResponse), ETag = true, Errors = [404] },
        ["DeleteStream"] = new() { Parameters = [P.IfMatch], Answer = typeof(StreamDeletedResponse), Errors = [404, 409, 412] },
        ["SetStreamPolicy"] = new() { Body = typeof(StreamPolicyBody), Answer = typeof(StreamInfoResponse), Errors = [404, 409, 410, .. BodyErrors] },
        ["SubscribeStream"] = new() { Parameters = [P.FromVersion, P.LastEventId, P.LastEventIdQuery], EventStream = true, Errors = [410] },
        ["SubscribeEvents"] = new() { Parameters = [P.Category, P.EventType, P.AfterPosition, P.LastEventId, P.LastEventIdQuery], EventStream = true },
        ["SubscribeStreamSocket"] = new() { Parameters = [P.FromVersion, P.LastEventIdQuery], WebSocket = true, Errors = [410, 426] },
        ["SubscribeEventsSocket"] = new() { Parameters = [P.Category, P.EventType, P.AfterPosition, P.LastEventIdQuery], WebSocket = true, Errors = [426] },
        ["QueryEvents"] = new()
        {
            Parameters = [P.Category, P.EventType, P.CorrelationIdFilter, P.Principal, P.From, P.To, P.AfterPosition, P.Limit],
            Answer = typeof(EventPageResponse), Paged = true,
        },
        ["Replay"] = new() { Body = typeof(ReplayRequest), Answer = typeof(EventPageResponse), Errors = [404, .. BodyErrors] },
        ["ReadModel"] = new() { Errors = [404] },
        ["ExecuteCommand"] = new()
        {
            Parameters = [P.IfMatch, P.IdempotencyKey, P.CorrelationId, P.UserId], BodyRequired = false,
            Answer = typeof(CommandResult), ETag = true,
            SuccessDescription = "The command's events were recorded (Idempotent-Replayed: true when this is the first result of the same Idempotency-Key again)",
            Errors = [404, 409, 410, 412, 422, .. BodyErrors],
        },
        ["GetAggregate"] = new() { Parameters = [P.AsOfVersion, P.AsOf], Answer = typeof(AggregateStateResponse), ETag = true, Errors = [404, 410] },
        ["GetSnapshot"] = new() { ETag = true, Errors = [404, 422] },
        ["TakeSnapshot"] = new() { Success = 201, ETag = true, SuccessDescription = "Taken", Errors = [404, 422] },
        ["ListProjections"] = new(),
        ["GetProjection"] = new() { Errors = [404] },
        ["RebuildProjection"] = new() { Success = 202, Location = true, SuccessDescription = "Rebuild started; follow Location", Errors = [404, 409] },
        ["ListParkedEvents"] = new() { Parameters = [P.Limit], Errors = [404] },
        ["RetryParkedEvent"] = new() { Errors = [404, 422] },
        ["SkipParkedEvent"] = new() { Body = typeof(Endpoints.SkipRequest), Errors = [404, .. BodyErrors] },
        ["StartSaga"] = new()
        {
            Parameters = [P.IdempotencyKey, P.CorrelationId], Success = 202, Answer = typeof(SagaStartedResponse), Location = true,
            SuccessDescription = "Started, or already started by the same Idempotency-Key (created: false); follow Location",
            Errors = [404, 422, .. BodyErrors],
        },
        ["GetSaga"] = new() { Answer = typeof(SagaStatusResponse), ETag = true, Errors = [404] },
        ["GetSubject"] = new() { Errors = [404] },
        ["EraseSubject"] = new(),
        ["RewrapSubjectKeys"] = new(),
        ["Health"] = new(),
        ["Ready"] = new() { SuccessDescription = "Every dependency answers (503 with the same body when one does not)", Errors = [503] },
        ["Stats"] = new(),
        ["OpenApi"] = new() { SuccessDescription = "This document" },
    };
}
