using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>
/// The route table of the HTTP API (design brief §5), the only place a route is written. The local host maps
/// <see cref="All"/>; the Functions app's triggers take their templates and methods from the constants below
/// (attributes accept only constants), and the parity test compares the built app's metadata with <see cref="All"/>.
/// </summary>
public static class ApiRoutes
{
    /// <summary>The prefix both hosts serve the API under (the Functions <c>routePrefix</c>).</summary>
    public const string Prefix = "api";

    /// <summary>Route templates under <see cref="Prefix"/>, in the syntax both ASP.NET Core and Functions use.</summary>
    public static class Templates
    {
        public const string StreamEvents = "streams/{streamId}/events";
        public const string Streams = "streams";
        public const string Stream = "streams/{streamId}";
        public const string StreamVersion = "streams/{streamId}/version";
        public const string StreamPolicy = "streams/{streamId}/policy";
        public const string Events = "events";
        public const string StreamLive = "streams/{streamId}/live";
        public const string EventsLive = "events/live";
        public const string StreamLiveSocket = "streams/{streamId}/live/ws";
        public const string EventsLiveSocket = "events/live/ws";
        public const string Replay = "replay";
        public const string Command = "aggregates/{type}/{id}/commands/{command}";
        public const string Aggregate = "aggregates/{type}/{id}";
        public const string Snapshot = "snapshots/{streamId}";
        public const string Projections = "projections";
        public const string Projection = "projections/{name}";
        public const string ProjectionRebuild = "projections/{name}/rebuild";
        public const string ParkedEvents = "projections/{name}/parked";
        public const string ParkedEventRetry = "projections/{name}/parked/{id}/retry";
        public const string ParkedEventSkip = "projections/{name}/parked/{id}/skip";
        public const string ReadModel = "read/{*path}";
        public const string Sagas = "sagas/{name}";
        public const string Saga = "sagas/{name}/{id}";
        public const string Subject = "subjects/{subjectId}";
        public const string SubjectKeysRewrap = "subjects/rewrap";
        public const string Health = "health";
        public const string Ready = "ready";
        public const string Stats = "stats";
        public const string OpenApi = "openapi.json";

        /// <summary>Everything else under the prefix; literal and parameter routes take precedence in both hosts.</summary>
        public const string Fallback = "{*path}";
    }

    /// <summary>HTTP methods as the Functions trigger attribute spells them (case does not matter to either host).</summary>
    public static class Methods
    {
        public const string Get = "get";
        public const string Head = "head";
        public const string Post = "post";
        public const string Delete = "delete";
        public const string Put = "put";
    }

    /// <summary>
    /// Requests no route of <see cref="All"/> takes: after the key check, 404, or 405 (with <c>Allow</c>) when the path
    /// is served with other methods. One function in the Functions app (every method), the fallback endpoint locally.
    /// </summary>
    public static ApiRoute Fallback { get; } = new("NoMatchingRoute", "*", Templates.Fallback, "No route: 404, or 405 for another method");

    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("AppendEvents", Methods.Post, Templates.StreamEvents, "Append events with an expected version") { Permission = Permission.Write },
        new("AppendStreams", Methods.Post, Templates.Streams, "Append to several streams at once: all committed in one transaction or none, each with its expected version") { Permission = Permission.Write },
        new("ReadStreamEvents", Methods.Get, Templates.StreamEvents, "Read a stream forward or backward, paged") { Permission = Permission.Read },
        new("GetStream", Methods.Get, Templates.Stream, "Stream metadata") { Permission = Permission.Read },
        new("StreamExists", Methods.Head, Templates.Stream, "Whether a stream exists (ETag = version)") { Permission = Permission.Read },
        new("GetStreamVersion", Methods.Get, Templates.StreamVersion, "A stream's version") { Permission = Permission.Read },
        new("DeleteStream", Methods.Delete, Templates.Stream, "Tombstone a stream") { Permission = Permission.Operate, Audited = true },
        new("SetStreamPolicy", Methods.Put, Templates.StreamPolicy, "Set a stream's retention policy (max count, max age, truncate before); refused when it would break an aggregate or a projection's rebuild") { Permission = Permission.Operate, Audited = true },
        new("SubscribeStream", Methods.Get, Templates.StreamLive, "A stream's events as they are appended, as server-sent events (resume with Last-Event-ID)") { Permission = Permission.Read, QueryToken = true },
        new("SubscribeEvents", Methods.Get, Templates.EventsLive, "The log's events as they commit, filtered by category and event types, as server-sent events (resume with Last-Event-ID)") { Permission = Permission.Read, QueryToken = true },
        new("SubscribeStreamSocket", Methods.Get, Templates.StreamLiveSocket, "The same as streams/{streamId}/live over a WebSocket, as JSON messages (resume with ?lastEventId=); local host only, Azure Functions answers 400 naming the SSE route") { Permission = Permission.Read, QueryToken = true },
        new("SubscribeEventsSocket", Methods.Get, Templates.EventsLiveSocket, "The same as events/live over a WebSocket, as JSON messages (resume with ?lastEventId=); local host only, Azure Functions answers 400 naming the SSE route") { Permission = Permission.Read, QueryToken = true },
        new("QueryEvents", Methods.Get, Templates.Events, "Query the log by category, type, correlation id, principal and time, paged by global position") { Permission = Permission.Read },
        new("Replay", Methods.Post, Templates.Replay, "Events matching a filter, paged") { Permission = Permission.Read },
        new("ExecuteCommand", Methods.Post, Templates.Command, "Run a command (Idempotency-Key makes retries safe)") { Permission = Permission.Execute },
        new("GetAggregate", Methods.Get, Templates.Aggregate, "Aggregate state, now or as of a version or time") { Permission = Permission.Read },
        new("GetSnapshot", Methods.Get, Templates.Snapshot, "Latest snapshot of a stream") { Permission = Permission.Read },
        new("TakeSnapshot", Methods.Post, Templates.Snapshot, "Take a snapshot now") { Permission = Permission.Operate, Audited = true },
        new("ListProjections", Methods.Get, Templates.Projections, "Every projection: checkpoint, lag, status, parked count") { Permission = Permission.Operate },
        new("GetProjection", Methods.Get, Templates.Projection, "One projection, with rebuild progress") { Permission = Permission.Operate },
        new("RebuildProjection", Methods.Post, Templates.ProjectionRebuild, "Rebuild into shadow tables and swap in (202)") { Permission = Permission.Operate, Audited = true },
        new("ListParkedEvents", Methods.Get, Templates.ParkedEvents, "Events parked after failing") { Permission = Permission.Operate },
        new("RetryParkedEvent", Methods.Post, Templates.ParkedEventRetry, "Apply a parked event again") { Permission = Permission.Operate, Audited = true },
        new("SkipParkedEvent", Methods.Post, Templates.ParkedEventSkip, "Give up a parked event that will never apply (the reason is recorded); the projection moves on and reports divergence") { Permission = Permission.Operate, Audited = true },
        new("ReadModel", Methods.Get, Templates.ReadModel, "Read models: the read routes the domain modules register under read/") { Permission = Permission.Read },
        new("StartSaga", Methods.Post, Templates.Sagas, "Start a saga (202 + status URL; Idempotency-Key makes it safe to retry)") { Permission = Permission.Execute },
        new("GetSaga", Methods.Get, Templates.Saga, "A saga's status and history") { Permission = Permission.Read },
        new("GetSubject", Methods.Get, Templates.Subject, "Whether a data subject's key exists or it was erased") { Permission = Permission.Erase },
        new("EraseSubject", Methods.Delete, Templates.Subject, "Erase a data subject: destroy its key, scrub read models, drop snapshots (idempotent)") { Permission = Permission.Erase, Audited = true },
        new("RewrapSubjectKeys", Methods.Post, Templates.SubjectKeysRewrap, "Re-wrap data keys under the current master key (master-key rotation)") { Permission = Permission.Erase, Audited = true },
        new("Health", Methods.Get, Templates.Health, "Liveness", Anonymous: true) { RateLimited = false },
        new("Ready", Methods.Get, Templates.Ready, "Readiness of dependencies and background loops", Anonymous: true) { RateLimited = false },
        new("Stats", Methods.Get, Templates.Stats, "Counts, lag and last job runs") { Permission = Permission.Operate },
        new("OpenApi", Methods.Get, Templates.OpenApi, "This API's OpenAPI document", Anonymous: true),
    ];
}
