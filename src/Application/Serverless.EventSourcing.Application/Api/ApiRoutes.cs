namespace Serverless.EventSourcing.Application.Api;

/// <summary>The route table of the HTTP API (design brief §5).</summary>
public static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("AppendEvents", "POST", "streams/{streamId}/events", "Append events with an expected version"),
        new("ReadStreamEvents", "GET", "streams/{streamId}/events", "Read a stream forward or backward, paged"),
        new("GetStream", "GET", "streams/{streamId}", "Stream metadata"),
        new("StreamExists", "HEAD", "streams/{streamId}", "Whether a stream exists (ETag = version)"),
        new("GetStreamVersion", "GET", "streams/{streamId}/version", "A stream's version"),
        new("DeleteStream", "DELETE", "streams/{streamId}", "Tombstone a stream"),
        new("QueryEvents", "GET", "events", "Query the log by category, type, correlation id and time, paged by global position"),
        new("Replay", "POST", "replay", "Events matching a filter, paged"),
        new("ExecuteCommand", "POST", "aggregates/{type}/{id}/commands/{command}", "Run a command (Idempotency-Key makes retries safe)"),
        new("GetAggregate", "GET", "aggregates/{type}/{id}", "Aggregate state, now or as of a version or time"),
        new("GetSnapshot", "GET", "snapshots/{streamId}", "Latest snapshot of a stream"),
        new("TakeSnapshot", "POST", "snapshots/{streamId}", "Take a snapshot now"),
        new("ListProjections", "GET", "projections", "Every projection: checkpoint, lag, status, parked count"),
        new("GetProjection", "GET", "projections/{name}", "One projection, with rebuild progress"),
        new("RebuildProjection", "POST", "projections/{name}/rebuild", "Rebuild into shadow tables and swap in (202)"),
        new("ListParkedEvents", "GET", "projections/{name}/parked", "Events parked after failing"),
        new("RetryParkedEvent", "POST", "projections/{name}/parked/{id}/retry", "Apply a parked event again"),
        new("GetAccountBalance", "GET", "read/accounts/{id}", "Read model: an account's balance"),
        new("GetAccountStatement", "GET", "read/accounts/{id}/statement", "Read model: movements with running balance, paged"),
        new("GetDailyTotals", "GET", "read/daily-totals", "Read model: totals per currency for a UTC day"),
        new("StartSaga", "POST", "sagas/{name}", "Start a saga (202 + status URL; Idempotency-Key makes it safe to retry)"),
        new("GetSaga", "GET", "sagas/{name}/{id}", "A saga's status and history"),
        new("Health", "GET", "health", "Liveness", Anonymous: true),
        new("Ready", "GET", "ready", "Readiness of dependencies and background loops", Anonymous: true),
        new("Stats", "GET", "stats", "Counts, lag and last job runs"),
        new("OpenApi", "GET", "openapi.json", "This API's OpenAPI document", Anonymous: true),
    ];
}
