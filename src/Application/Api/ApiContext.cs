using System.Globalization;
using System.Text.Json;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Security;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Application.Api;

/// <summary>One request being handled: typed access to its parts, every accessor validating as it reads.</summary>
/// <param name="access">The authenticated principal's checks (no rights at all for a caller without credentials on an open route).</param>
public sealed class ApiContext(ApiRequest request, string correlationId, ApiOptions options, RequestAccess access, CancellationToken ct)
{
    public const string UserIdHeader = "x-user-id";

    public ApiRequest Request { get; } = request;

    public string CorrelationId { get; } = correlationId;

    /// <summary>Who is asking, as the server established it.</summary>
    public Principal Principal => Access.Principal;

    /// <summary>Every check a handler makes before it reads or writes.</summary>
    public RequestAccess Access { get; } = access;

    public CancellationToken Cancellation { get; } = ct;

    /// <summary>
    /// Whose personal values the response shows outside event envelopes (aggregate state, a snapshot, a read model):
    /// set by the handler, so <see cref="PersonalData.PersonalDataView"/> knows which grant of <c>personal</c> applies.
    /// </summary>
    public PersonalData.PersonalScope? PersonalScope { get; set; }

    /// <summary>What an audited route adds to its audit record (a skip's reason); never secrets or personal data.</summary>
    public Dictionary<string, string> AuditDetail { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The end user events are recorded for. A token's subject or a key's name; <c>x-user-id</c> only from a principal
    /// with <c>act-as</c> (a trusted back end acting for its user), or on an open API where nobody is known. Anyone else
    /// naming another user is refused (403), so the "who" in an event cannot be made up.
    /// </summary>
    public string? UserId()
    {
        var claimed = StoredHeader(UserIdHeader);
        if (Principal.IsAnonymous || claimed is null)
        {
            return claimed ?? (Principal.IsAnonymous ? null : Principal.Subject);
        }

        return claimed == Principal.Subject || Access.Rights.HasAny(Permission.ActAs)
            ? claimed
            : throw new AccessDeniedException(Permission.ActAs, null, $"Only a principal with the 'act-as' permission may record events for another user ({UserIdHeader}).");
    }

    /// <summary>The caller pinned the version with <c>If-Match</c>: a mismatch is 412, not 409.</summary>
    public bool PinnedByIfMatch { get; internal set; }

    public string Route(string name) =>
        Request.RouteValues.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new InvalidInputException(name, "is required in the path");

    /// <summary>This request with route values found by a nested route table (a module's read routes).</summary>
    public ApiContext WithRouteValues(IReadOnlyDictionary<string, string> values) => new(
        Request.With(routeValues: values),
        CorrelationId, options, Access, Cancellation);

    public string? Query(string name) => Request.Query.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// A header whose value is stored (an idempotency key, a user id): absent is null; present, it must be 1 to
    /// <paramref name="maxLength"/> characters without control characters, and text PostgreSQL can store.
    /// </summary>
    public string? StoredHeader(string name, int maxLength = 200)
    {
        var value = Request.Header(name);
        if (value is null)
        {
            return null;
        }

        return value.Length > 0 && value.Length <= maxLength && !value.Any(char.IsControl) && StorableText.IsStorable(value)
            ? value
            : throw new InvalidInputException(name, $"must be 1 to {maxLength} printable characters");
    }

    /// <summary>
    /// Refuses query names and values, and route values, that PostgreSQL text cannot hold, before any handler reads
    /// them (a NUL would fail the query as an invalid byte sequence, a 500). Kestrel itself refuses a NUL in the path.
    /// </summary>
    internal void RefuseUnstorableText()
    {
        foreach (var (name, value) in Request.Query.Concat(Request.RouteValues))
        {
            if (!StorableText.IsStorable(name) || !StorableText.IsStorable(value))
            {
                throw new InvalidInputException(name, StorableText.Reason);
            }
        }
    }

    public long? QueryLong(string name, long min = 0)
    {
        var text = Query(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new InvalidInputException(name, $"must be a whole number of at least {min}");
    }

    public DateTimeOffset? QueryTime(string name)
    {
        var text = Query(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new InvalidInputException(name, "must be an ISO 8601 timestamp");
    }

    /// <summary>The page size: <c>limit</c> when given (1..max), otherwise the default.</summary>
    public int Limit()
    {
        var limit = QueryLong("limit", 1) ?? options.DefaultPageSize;
        return limit <= options.MaxPageSize ? (int)limit : throw new InvalidInputException("limit", $"must be between 1 and {options.MaxPageSize}");
    }

    public int MaxPageSize => options.MaxPageSize;

    /// <summary>
    /// Reads the body as JSON, refusing more than the configured limit without reading past it, and a body not
    /// declared JSON (415). An empty body is <paramref name="whenEmpty"/> when given (it needs no content type), an
    /// error otherwise.
    /// </summary>
    public async Task<JsonElement> ReadJsonAsync(JsonElement? whenEmpty = null)
    {
        var bytes = await ReadBodyAsync();
        if (bytes.Length == 0)
        {
            return whenEmpty ?? throw new InvalidInputException("body", "a JSON body is required");
        }

        if (!JsonMediaType.Accepts(Request.Header("Content-Type")))
        {
            throw new UnsupportedMediaTypeException(Request.Header("Content-Type"));
        }

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException("body", $"is not valid JSON ({ex.Message})");
        }

        // The parser lets through bytes that are not UTF-8 and escapes PostgreSQL cannot store (\u0000, a lone \ud800).
        StorableText.CheckJson(bytes, root: "");
        return body;
    }

    private async Task<byte[]> ReadBodyAsync()
    {
        var limit = options.MaxBodyBytes;
        if (Request.Header("Content-Length") is { } declared && long.TryParse(declared, out var length) && length > limit)
        {
            throw new PayloadTooLargeException(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await Request.Body.ReadAsync(chunk, Cancellation)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new PayloadTooLargeException(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>The body is not declared as JSON; answered with 415.</summary>
public sealed class UnsupportedMediaTypeException(string? contentType)
    : EventSourcingException($"The body must be sent as application/json (or another +json type, in UTF-8), not {(string.IsNullOrEmpty(contentType) ? "without a Content-Type" : contentType)}.");

/// <summary>The body is over <c>Api:MaxBodyBytes</c>; answered with 413.</summary>
public sealed class PayloadTooLargeException(long limit) : EventSourcingException($"The request body is larger than {limit} bytes.");
