using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Commands;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Api.OpenApi;

/// <summary>
/// The OpenAPI document of what this deployment serves, built with Microsoft.OpenApi from the route table, the shapes of
/// <see cref="RouteShapes"/>, the modules' read routes, and each aggregate's commands and each saga's input as their own
/// operations (so a generated client has a typed method per command). Both hosts serve it, from the same table.
/// </summary>
internal sealed partial class ApiDocumentBuilder(ReadRoutes readRoutes, AggregateRegistry aggregates, SagaCatalog sagas, AuthOptions auth, ApiOptions options)
{
    private const string FunctionKey = "functionKey";
    private const string Bearer = "bearer";
    private const string BearerInQuery = "bearerQuery";

    private static readonly Dictionary<int, (string Key, string Description)> Problems = new()
    {
        [400] = ("BadRequest", "The request is invalid; field names the member or parameter. Nothing was changed."),
        [401] = ("Unauthorized", "No valid credential; WWW-Authenticate says why (RFC 6750)."),
        [403] = ("Forbidden", "The principal lacks the permission named in the problem; a stream it could reach only by owning it is 404 instead."),
        [404] = ("NotFound", "Not found."),
        [409] = ("Conflict", "Not at the expected version (currentVersion says where it is), an event id reused with other content, or an erased data subject."),
        [410] = ("Gone", "The stream has been deleted."),
        [412] = ("PreconditionFailed", "If-Match does not match; currentVersion says where the stream is."),
        [413] = ("PayloadTooLarge", "The body is larger than the configured limit."),
        [415] = ("UnsupportedMediaType", "The body must be JSON (application/json)."),
        [422] = ("UnprocessableEntity", "A business rule refused (ruleCode names it), or an Idempotency-Key was reused for another request."),
        [426] = ("UpgradeRequired", "This route takes a WebSocket connection."),
        [429] = ("TooManyRequests", "Over a rate limit; nothing was done. Retry-After says when to try again."),
        [503] = ("ServiceUnavailable", "A dependency is unavailable or the live-subscriber cap is reached; retry after Retry-After."),
    };

    private OpenApiDocument _document = null!;
    private ApiSchemas _schemas = null!;
    private readonly Dictionary<string, OpenApiPathItem> _paths = new(StringComparer.Ordinal);

    public OpenApiDocument Build()
    {
        _document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Serverless.EventSourcing",
                Version = "1.0",
                Description = "An event store and command API. Every response carries x-correlation-id (send your own to tie calls together); errors are application/problem+json.",
            },
            Servers = [new OpenApiServer { Url = "/", Description = "This host (paths carry the /api prefix)" }],
            Paths = [],
            Components = new OpenApiComponents(),
        };
        _schemas = new ApiSchemas(_document);
        _schemas.AddRecordedEvent();
        _schemas.Of(typeof(Problem), ApiSchemas.Responses);
        AddSecuritySchemes();
        foreach (var (key, parameter) in ApiParameters.All(options.MaxPageSize, options.DefaultPageSize, CommandPipeline.MaxIdempotencyKeyLength))
        {
            _document.AddComponent(key, parameter);
        }

        foreach (var (status, (key, description)) in Problems)
        {
            _document.AddComponent(key, ProblemResponse(status, description));
        }

        AddAppendBodies();
        foreach (var route in ApiRoutes.All)
        {
            var shape = RouteShapes.ByRoute.TryGetValue(route.Name, out var found) ? found : throw new InvalidOperationException($"Route {route.Name} has no shape in RouteShapes.");
            switch (route.Name)
            {
                case "ReadModel":
                    AddReadRoutes(route, shape);
                    break;
                case "ExecuteCommand":
                    AddCommands(route, shape);
                    break;
                case "GetAggregate":
                    AddAggregateReads(route, shape);
                    break;
                case "StartSaga":
                    AddSagaStarts(route, shape);
                    break;
                default:
                    Add(route.Template, route, shape, route.Name, route.Summary);
                    break;
            }
        }

        foreach (var (path, item) in _paths)
        {
            _document.Paths[path] = item;
        }

        return _document;
    }

    private void AddReadRoutes(ApiRoute route, RouteShape shape)
    {
        foreach (var read in readRoutes.All)
        {
            var operationId = "Read" + string.Concat(read.Template.Split('/').Select(s => s.StartsWith('{') ? "By" + Pascal(s.Trim('{', '}')) : Pascal(s)));
            Add("read/" + read.Template, route, shape, operationId, $"{read.Summary} (needs {read.Access.Description})", query: read.Query.Select(ReadQuery));
        }
    }

    private void AddCommands(ApiRoute route, RouteShape shape)
    {
        foreach (var aggregate in aggregates.All.OrderBy(a => a.Category, StringComparer.Ordinal))
        {
            foreach (var command in aggregate.Commands.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var name = Pascal(aggregate.Category) + Pascal(command.Name);
                var body = _schemas.Of(command.CommandType, ApiSchemas.Requests, name + "Command");
                var summary = $"The {aggregate.Category} command {command.Name}" + (command.Creates ? " (it creates the stream)" : "");
                var required = _schemas.Component(name + "Command").Required is { Count: > 0 };
                Add($"aggregates/{aggregate.Category}/{{id}}/commands/{command.Name}", route, shape with { BodyRequired = required }, name, summary, body);
            }
        }
    }

    private void AddAggregateReads(ApiRoute route, RouteShape shape)
    {
        foreach (var aggregate in aggregates.All.OrderBy(a => a.Category, StringComparer.Ordinal))
        {
            var name = Pascal(aggregate.Category);
            var state = _schemas.Of(aggregate.Initial.GetType(), ApiSchemas.States, name + "State");
            var answer = _schemas.Derived(name + "AggregateState", typeof(Contracts.AggregateStateResponse), ApiSchemas.Responses, s => s.Properties!["state"] = state);
            Add($"aggregates/{aggregate.Category}/{{id}}", route, shape, "Get" + name, $"A {aggregate.Category}'s state, now or as of a version or time", answer: answer);
        }
    }

    private void AddSagaStarts(ApiRoute route, RouteShape shape)
    {
        foreach (var saga in sagas.All.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var name = Pascal(saga.Name);
            var body = _schemas.Of(saga.InputType, ApiSchemas.Requests, name + "SagaInput");
            Add($"sagas/{saga.Name}", route, shape, "Start" + name, $"Start a {saga.Name} saga (202 + status URL; Idempotency-Key makes it safe to retry)", body);
        }
    }

    private IOpenApiParameter ReadQuery(ReadParameter parameter) => parameter.Kind == ReadParameterKind.Limit
        ? new OpenApiParameterReference(ApiParameters.Limit, _document)
        : new OpenApiParameter
        {
            Name = parameter.Name,
            In = ParameterLocation.Query,
            Description = parameter.Description,
            Schema = parameter.Kind switch
            {
                ReadParameterKind.Integer => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                ReadParameterKind.Date => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                _ => new OpenApiSchema { Type = JsonSchemaType.String },
            },
        };

    private void Add(string template, ApiRoute route, RouteShape shape, string operationId, string summary, IOpenApiSchema? body = null, IOpenApiSchema? answer = null, IEnumerable<IOpenApiParameter>? query = null)
    {
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Parameters = [.. PathParameters(template), .. shape.Parameters.Select(p => (IOpenApiParameter)new OpenApiParameterReference(p, _document)), .. query ?? []],
            Responses = Responses(route, shape, answer),
            Security = route.Anonymous ? [] : Security(route.QueryToken),
        };
        body ??= shape.Body is { } type ? _schemas.Of(type, ApiSchemas.Requests)
            : shape.BodyComponent is { } component ? new OpenApiSchemaReference(component, _document)
            : null;
        if (body is not null)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = shape.BodyRequired,
                Content = new Dictionary<string, IOpenApiMediaType> { [ApiResponse.Json] = new OpenApiMediaType { Schema = body } },
            };
        }

        if (route.Permission is { } permission)
        {
            operation.Extensions = new Dictionary<string, IOpenApiExtension> { ["x-permission"] = new JsonNodeExtension(JsonValue.Create(Permissions.Name(permission))) };
        }

        var path = "/" + ApiRoutes.Prefix + "/" + template;
        if (!_paths.TryGetValue(path, out var item))
        {
            _paths[path] = item = new OpenApiPathItem();
        }

        item.AddOperation(new HttpMethod(route.Method.ToUpperInvariant()), operation);
    }

    private IEnumerable<IOpenApiParameter> PathParameters(string template) =>
        PathParameter().Matches(template).Select(m => (IOpenApiParameter)new OpenApiParameter
        {
            Name = m.Groups[1].Value,
            In = ParameterLocation.Path,
            Required = true,
            Schema = m.Groups[1].Value == "name" && template.StartsWith("sagas/", StringComparison.Ordinal)
                ? new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. sagas.All.Select(s => (JsonNode)JsonValue.Create(s.Name)!)] }
                : new OpenApiSchema { Type = JsonSchemaType.String },
        });

    private OpenApiResponses Responses(ApiRoute route, RouteShape shape, IOpenApiSchema? answer)
    {
        var responses = new OpenApiResponses();
        var success = Success(shape, answer);
        responses[shape.Success.ToString(CultureInfo.InvariantCulture)] = success;
        if (shape.AlsoSuccess is { } also)
        {
            responses[also.ToString(CultureInfo.InvariantCulture)] = success;
        }

        var errors = new SortedSet<int>(shape.Errors);
        if (!route.Anonymous)
        {
            errors.UnionWith([400, 401, 503]);
        }

        if (route.Permission is not null)
        {
            errors.Add(403);
        }

        if (route.RateLimited)
        {
            errors.Add(429);
        }

        foreach (var status in errors)
        {
            responses[status.ToString(CultureInfo.InvariantCulture)] = shape.NoBody
                ? new OpenApiResponse { Description = Problems[status].Description }
                : new OpenApiResponseReference(Problems[status].Key, _document);
        }

        return responses;
    }

    private OpenApiResponse Success(RouteShape shape, IOpenApiSchema? answer)
    {
        if (shape.WebSocket)
        {
            return new OpenApiResponse { Description = "Switching Protocols: the subscription as JSON messages ({id, event} per event, {close: {reason, lastEventId, detail}} at the end); Azure Functions answers 400 naming the SSE route instead" };
        }

        var response = new OpenApiResponse { Description = shape.SuccessDescription, Headers = new Dictionary<string, IOpenApiHeader>() };
        if (shape.EventStream)
        {
            response.Description = "Server-sent events: one 'event' frame per event (id = the resume id, data = the event as RecordedEvent JSON), comments as heartbeats, a 'close' frame with the reason before the server ends it";
            response.Content = new Dictionary<string, IOpenApiMediaType> { [Live.SseFrames.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } };
            return response;
        }

        if (!shape.NoBody)
        {
            answer ??= shape.Answer is { } type
                ? _schemas.Of(type, ApiSchemas.Responses)
                : new OpenApiSchema { Type = JsonSchemaType.Object, Description = "JSON; see the operation's summary" };
            response.Content = new Dictionary<string, IOpenApiMediaType> { [ApiResponse.Json] = new OpenApiMediaType { Schema = answer } };
        }

        if (shape.ETag)
        {
            response.Headers["ETag"] = Header("The stream's version as a strong ETag (\"5\"): send it back as If-Match");
        }

        if (shape.Location)
        {
            response.Headers["Location"] = Header("Where to follow the work");
        }

        if (shape.Paged)
        {
            response.Headers["Link"] = Header("rel=\"next\": the next page, while there is one");
        }

        return response;
    }

    private OpenApiResponse ProblemResponse(int status, string description)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType> { [ApiResponse.ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(nameof(Problem), _document) } },
        };
        if (status is 429 or 503)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = Header("Seconds to wait") };
        }
        else if (status == 401)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader> { ["WWW-Authenticate"] = Header("The scheme to use and, for a bad token, why it was refused") };
        }

        return response;
    }

    private static OpenApiHeader Header(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    /// <summary>The append bodies are parsed by hand (strictly, see AppendRequest); their metadata is the EventMetadata type less what the server writes.</summary>
    private void AddAppendBodies()
    {
        var metadata = _schemas.Derived("EventMetadataInput", typeof(EventMetadata), ApiSchemas.Requests, s =>
        {
            s.Properties!.Remove("principal");
            s.AdditionalPropertiesAllowed = true; // EventMetadata keeps unknown members (its extension data)
            s.Description = "Optional metadata: correlationId, causationId, userId (another user than the token's subject needs act-as), and members of your own. principal is written by the server.";
        });
        _document.AddComponent("ExpectedVersion", new OpenApiSchema
        {
            Description = "The version the stream must be at (0: must not exist), or any, no_stream, stream_exists. A mismatch is 409 with currentVersion.",
            OneOf =
            [
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
                new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("any"), JsonValue.Create("no_stream"), JsonValue.Create("stream_exists")] },
            ],
        });
        _document.AddComponent("NewEvent", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Required = new HashSet<string> { "type", "data" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["eventId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "Makes the append idempotent: the same id with the same content again is a duplicate (200), with other content 409" },
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The event type name" },
                ["data"] = new OpenApiSchema { Description = "The event's JSON" },
                ["metadata"] = metadata,
            },
        });
        var events = new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, Items = new OpenApiSchemaReference("NewEvent", _document) };
        _document.AddComponent(RouteShapes.AppendBody, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Required = new HashSet<string> { "events" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["expectedVersion"] = new OpenApiSchemaReference("ExpectedVersion", _document),
                ["events"] = events,
            },
        });
        _document.AddComponent("StreamAppend", new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Required = new HashSet<string> { "streamId", "events" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["streamId"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["expectedVersion"] = new OpenApiSchemaReference("ExpectedVersion", _document),
                ["events"] = events,
            },
        });
        _document.AddComponent(RouteShapes.MultiStreamAppendBody, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Required = new HashSet<string> { "appends" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["appends"] = new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, Items = new OpenApiSchemaReference("StreamAppend", _document) },
            },
        });
    }

    private void AddSecuritySchemes()
    {
        _document.AddComponent(FunctionKey, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-functions-key",
            Description = "A named API key (or the legacy Api__Key).",
        });
        _document.AddComponent(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = auth.Authority is { } authority
                ? $"An access token of {authority} for {string.Join(" or ", auth.Audiences)}."
                : "An OAuth 2.0 access token (not enabled on this deployment: Auth__Authority is not set).",
        });
        _document.AddComponent(BearerInQuery, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = RequestAuthenticator.QueryToken,
            Description = "The same access token as a query parameter, for the live routes only (a browser's EventSource and WebSocket send no headers).",
        });
    }

    private List<OpenApiSecurityRequirement> Security(bool queryToken)
    {
        var schemes = queryToken ? new[] { FunctionKey, Bearer, BearerInQuery } : [FunctionKey, Bearer];
        return [.. schemes.Select(s => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(s, _document)] = [] })];
    }

    /// <summary>A name for identifiers: <c>daily-totals</c> → <c>DailyTotals</c>.</summary>
    private static string Pascal(string text) =>
        string.Concat(text.Split('-', '_', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    [GeneratedRegex("{([A-Za-z]+)}")]
    private static partial Regex PathParameter();
}
