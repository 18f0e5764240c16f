using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Serverless.EventSourcing.Application.Api.OpenApi;

/// <summary>The query and header parameters the routes read, each described once (as components/parameters) and referenced by key.</summary>
internal static class ApiParameters
{
    public const string FromVersion = "fromVersion";
    public const string Limit = "limit";
    public const string Direction = "direction";
    public const string AsOfVersion = "asOfVersion";
    public const string AsOf = "asOf";
    public const string AfterPosition = "afterPosition";
    public const string Category = "category";
    public const string EventType = "eventType";
    public const string CorrelationIdFilter = "correlationId";
    public const string Principal = "principal";
    public const string From = "from";
    public const string To = "to";
    public const string LastEventIdQuery = "lastEventId";
    public const string IfMatch = "If-Match";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string CorrelationId = "x-correlation-id";
    public const string UserId = "x-user-id";
    public const string LastEventId = "Last-Event-ID";

    public static IEnumerable<(string Key, OpenApiParameter Parameter)> All(int maxPageSize, int defaultPageSize, int maxIdempotencyKeyLength) =>
    [
        (FromVersion, Query(FromVersion, Int64(minimum: 0), "The version to start at: forward, the first event returned (0 or 1 = the start); backward, the last (0 = the end). A live route without it sends only what is appended from now on.")),
        (Limit, Query(Limit, new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = maxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) }, $"Page size (default {defaultPageSize}, at most {maxPageSize}). The next page is the response's continuation member and its Link header.")),
        (Direction, Query(Direction, new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("forward"), JsonValue.Create("backward")], Default = JsonValue.Create("forward") }, "Read order.")),
        (AsOfVersion, Query(AsOfVersion, Int64(minimum: 0), "The state as of this version (time travel). Not with asOf.")),
        (AsOf, Query(AsOf, DateTime(), "The state as of this instant (ISO 8601). Not with asOfVersion.")),
        (AfterPosition, Query(AfterPosition, Int64(minimum: 0), "Only events after this global position (the previous page's nextAfterPosition).")),
        (Category, Query(Category, new OpenApiSchema { Type = JsonSchemaType.String }, "Only streams of this category (the stream id's prefix before the first '-').")),
        (EventType, Query(EventType, new OpenApiSchema { Type = JsonSchemaType.String }, "Only these event types, comma-separated.")),
        (CorrelationIdFilter, Query(CorrelationIdFilter, new OpenApiSchema { Type = JsonSchemaType.String }, "Only events of this correlation id.")),
        (Principal, Query(Principal, new OpenApiSchema { Type = JsonSchemaType.String }, "Only events this principal wrote; another principal's needs the audit permission.")),
        (From, Query(From, DateTime(), "Only events recorded at or after this instant (ISO 8601).")),
        (To, Query(To, DateTime(), "Only events recorded before this instant (ISO 8601).")),
        (LastEventIdQuery, Query(LastEventIdQuery, new OpenApiSchema { Type = JsonSchemaType.String }, "Resume after this event id, for clients that cannot send Last-Event-ID.")),
        (IfMatch, Header(IfMatch, new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^\"[0-9]+\"$" }, "The version the stream must be at, as the strong ETag the server sent (\"5\"; \"0\" = must not exist). A mismatch is 412 with the current version.")),
        (IdempotencyKey, Header(IdempotencyKey, new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = maxIdempotencyKeyLength }, "Makes a retry safe: the same key and body answers the first result again (Idempotent-Replayed: true); the same key with another body is 422.")),
        (CorrelationId, Header(CorrelationId, new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = ApiDispatcher.MaxCorrelationIdLength }, "Ties this request's events and logs together; echoed on the response, generated when absent.")),
        (UserId, Header(UserId, new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 }, "The user recorded in the events' metadata; naming someone other than the token's subject needs the act-as permission.")),
        (LastEventId, Header(LastEventId, new OpenApiSchema { Type = JsonSchemaType.String }, "Resume after this event id (what an EventSource sends when it reconnects).")),
    ];

    private static OpenApiParameter Query(string name, OpenApiSchema schema, string description) =>
        new() { Name = name, In = ParameterLocation.Query, Schema = schema, Description = description };

    private static OpenApiParameter Header(string name, OpenApiSchema schema, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Schema = schema, Description = description };

    private static OpenApiSchema Int64(long minimum) =>
        new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static OpenApiSchema DateTime() => new() { Type = JsonSchemaType.String, Format = "date-time" };
}
