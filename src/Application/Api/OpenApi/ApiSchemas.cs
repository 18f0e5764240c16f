using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.Api.OpenApi;

/// <summary>
/// The document's schemas, from the C# types the API reads and writes: System.Text.Json's <see cref="JsonSchemaExporter"/>
/// describes a type as its serializer options write it, and Microsoft.OpenApi reads that JSON Schema into the document's
/// model (and writes it back in the OpenAPI version served). Each type becomes one component, referenced by name.
/// </summary>
internal sealed class ApiSchemas(OpenApiDocument document)
{
    /// <summary>The envelope's component: written by hand as <see cref="EnvelopeJson"/> writes it, since a converter has no shape the exporter can see.</summary>
    public const string RecordedEvent = "RecordedEvent";

    /// <summary>Marks where a member is another component; the reader keeps the extension and <see cref="Link"/> swaps in the reference.</summary>
    private const string ComponentMark = "x-component";

    private readonly Dictionary<string, Type> _named = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenApiSchema> _components = new(StringComparer.Ordinal);

    /// <summary>Response bodies: <see cref="ApiJson.Options"/>, nulls written, every constructor member always present.</summary>
    public static JsonSerializerOptions Responses { get; } = ForSchemas(ApiJson.Options);

    /// <summary>Request bodies (commands, saga inputs, filters): <see cref="EventJson.InputOptions"/>, unknown members refused.</summary>
    public static JsonSerializerOptions Requests { get; } = ForSchemas(EventJson.InputOptions);

    /// <summary>Aggregate states as modules serialize them (<see cref="EventJson.Options"/>).</summary>
    public static JsonSerializerOptions States { get; } = ForSchemas(EventJson.Options);

    /// <summary>A component added by <see cref="Of"/> or <see cref="Derived"/>.</summary>
    public OpenApiSchema Component(string name) => _components[name];

    /// <summary>A reference to <paramref name="type"/>'s component, added the first time it is asked for.</summary>
    public OpenApiSchemaReference Of(Type type, JsonSerializerOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        name ??= type.Name;
        if (_named.TryGetValue(name, out var existing))
        {
            return existing == type ? new OpenApiSchemaReference(name, document) : throw new InvalidOperationException($"Two types would be the schema '{name}': {existing} and {type}.");
        }

        _named[name] = type;
        return Add(name, Link(Read(Export(type, options))));
    }

    /// <summary>Adds a component built from <paramref name="type"/>'s schema and changed by <paramref name="change"/> (a response whose free-form member a module types).</summary>
    public OpenApiSchemaReference Derived(string name, Type type, JsonSerializerOptions options, Action<OpenApiSchema> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var schema = Link(Read(Export(type, options)));
        change(schema);
        return Add(name, schema);
    }

    private OpenApiSchemaReference Add(string name, OpenApiSchema schema)
    {
        if (!document.AddComponent(name, schema))
        {
            throw new InvalidOperationException($"The schema '{name}' is added twice.");
        }

        _components[name] = schema;
        return new OpenApiSchemaReference(name, document);
    }

    /// <summary>The one recorded-event shape of every response, live message and Kafka value.</summary>
    public void AddRecordedEvent() => document.AddComponent(RecordedEvent, new OpenApiSchema
    {
        Type = JsonSchemaType.Object,
        Description = "A recorded event. data and metadata are the JSON the writer gave (metadata with the principal the server stamped).",
        Required = new HashSet<string> { "eventId", "streamId", "category", "type", "streamVersion", "globalPosition", "data", "metadata", "schemaVersion", "createdAt" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["eventId"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
            ["streamId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["category"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["streamVersion"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "1 for a stream's first event" },
            ["globalPosition"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "Its place in the log: unique, increasing, never reused" },
            ["data"] = new OpenApiSchema { Description = "The event's JSON" },
            ["metadata"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "userId, principal, causationId and the writer's own members" },
            ["schemaVersion"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["correlationId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Absent when the event has none" },
            ["createdAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
        },
    });

    private static JsonSerializerOptions ForSchemas(JsonSerializerOptions options)
    {
        // Only for describing: nullable annotations say what may be null, constructor members are always there, and
        // numbers are numbers (the web default also reads "10" as 10, which the exporter would describe as a string too).
        var copy = new JsonSerializerOptions(options)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
        };
        copy.MakeReadOnly(populateMissingResolver: true);
        return copy;
    }

    private static JsonNode Export(Type type, JsonSerializerOptions options) =>
        // Null-oblivious places (the root, collection elements) are not null: the API never writes a null there.
        options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Transform });

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        if (type == typeof(EventEnvelope))
        {
            return new JsonObject { [ComponentMark] = RecordedEvent };
        }

        if (type != typeof(EventEnvelope) && typeof(IEnumerable<EventEnvelope>).IsAssignableFrom(type) && schema is JsonObject list)
        {
            // The exporter cannot see past the converter to the element, so it leaves the items empty.
            list["items"] = new JsonObject { [ComponentMark] = RecordedEvent };
            return list;
        }

        if (type == typeof(JsonElement))
        {
            // Free-form JSON: the exporter says "true", which OpenAPI 3.0 has no word for; {} means the same.
            return new JsonObject();
        }

        if (schema is JsonObject described && Format(type) is { } format)
        {
            // The exporter names the JSON type only; generated clients need the width (a 64-bit position is not an int).
            described["format"] = format;
        }

        if (schema is JsonObject listed && listed["enum"] is JsonArray values && !listed.ContainsKey("type") && values.All(v => v?.GetValueKind() == JsonValueKind.String))
        {
            // Enums written as strings: without the type a generator cannot type the member.
            listed["type"] = "string";
        }

        return schema;
    }

    private static string? Format(Type type) =>
        type == typeof(long) ? "int64"
        : type == typeof(int) ? "int32"
        : type == typeof(double) ? "double"
        : type == typeof(decimal) ? "decimal"
        : null;

    /// <summary>Replaces every marked member schema, however deep, with a reference to its component.</summary>
    private OpenApiSchema Link(OpenApiSchema schema)
    {
        IOpenApiSchema Swap(IOpenApiSchema member) =>
            member is OpenApiSchema { Extensions: { } extensions } marked && extensions.TryGetValue(ComponentMark, out var mark) && mark is JsonNodeExtension { Node: JsonValue name }
                ? new OpenApiSchemaReference(name.GetValue<string>(), document)
                : member is OpenApiSchema inner ? Link(inner) : member;

        if (schema.Properties is { } properties)
        {
            foreach (var key in properties.Keys.ToList())
            {
                properties[key] = Swap(properties[key]);
            }
        }

        if (schema.Items is { } items)
        {
            schema.Items = Swap(items);
        }

        if (schema.AdditionalProperties is { } additional)
        {
            schema.AdditionalProperties = Swap(additional);
        }

        return schema;
    }

    private OpenApiSchema Read(JsonNode schema)
    {
        var parsed = OpenApiModelFactory.Parse<OpenApiSchema>(schema.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document, out var diagnostic, OpenApiConstants.Json);
        return parsed is not null && diagnostic.Errors.Count == 0
            ? parsed
            : throw new InvalidOperationException($"The exported schema could not be read: {string.Join("; ", diagnostic.Errors.Select(e => e.Message))}");
    }
}
