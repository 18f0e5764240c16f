using System.Globalization;
using System.Text.Json;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// The append body: <c>{expectedVersion?, events:[{eventId?, type, data, metadata?}]}</c>. The envelope is strict (no
/// unknown or repeated members, versions as JSON numbers, metadata typed); each event's <c>data</c> is free-form JSON.
/// </summary>
internal sealed record AppendRequest(ExpectedVersion? ExpectedVersion, IReadOnlyList<EventData> Events)
{
    private static readonly string[] Members = ["expectedVersion", "events"];
    private static readonly string[] EventMembers = ["eventId", "type", "data", "metadata"];

    /// <summary>
    /// The events as the server records them: the authenticated principal in every event's metadata, and the user the
    /// caller names (<c>metadata.userId</c>, or <c>x-user-id</c>) only as <see cref="ApiContext.UserId"/> allows.
    /// </summary>
    /// <param name="path">Where this append sits in the body (<c>appends[2]</c>), for the fields an error names.</param>
    public AppendRequest WrittenBy(ApiContext context, string path = "")
    {
        ArgumentNullException.ThrowIfNull(context);
        var principal = context.Principal.ToRecord();
        var headerUser = context.UserId();
        var events = new List<EventData>(Events.Count);
        for (var i = 0; i < Events.Count; i++)
        {
            var e = Events[i];
            var user = e.Metadata.UserId is { } claimed ? CheckUser(context, claimed, InvalidInputException.FieldIn(path, $"events[{i}].metadata.userId")) : headerUser;
            events.Add(e with { Metadata = e.Metadata with { UserId = user, Principal = principal } });
        }

        return this with { Events = events };
    }

    private static string CheckUser(ApiContext context, string claimed, string field)
    {
        if (claimed.Length is 0 or > 200)
        {
            throw new InvalidInputException(field, "must be 1 to 200 characters");
        }

        return context.Principal.IsAnonymous || claimed == context.Principal.Subject || context.Access.Rights.HasAny(Security.Permission.ActAs)
            ? claimed
            : throw new Security.AccessDeniedException(Security.Permission.ActAs, null, $"Only a principal with the 'act-as' permission may record events for another user ({field}).");
    }

    public static AppendRequest Parse(JsonElement body, string correlationId) => Parse(body, correlationId, "", Members);

    /// <summary>One append inside a larger body: fields are named under <paramref name="path"/>, and <paramref name="members"/> are the ones allowed.</summary>
    internal static AppendRequest Parse(JsonElement body, string correlationId, string path, string[] members)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException(path.Length == 0 ? "body" : path, "must be a JSON object");
        }

        RefuseUnknownMembers(body, path, members);
        var versionField = InvalidInputException.FieldIn(path, "expectedVersion");
        ExpectedVersion? expected = body.TryGetProperty("expectedVersion", out var ev) ? ev.ValueKind switch
        {
            JsonValueKind.Number when ev.TryGetInt64(out var n) => Streams.ExpectedVersion.Exactly(n, versionField),
            JsonValueKind.String when !long.TryParse(ev.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => Streams.ExpectedVersion.Parse(ev.GetString(), versionField),
            JsonValueKind.Null => null,
            _ => throw new InvalidInputException(versionField, "must be a version as a JSON number, or 'any', 'no_stream', 'stream_exists'"),
        } : null;

        if (!body.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInputException(InvalidInputException.FieldIn(path, "events"), "an array of events is required");
        }

        var events = new List<EventData>(list.GetArrayLength());
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            events.Add(ParseEvent(item, InvalidInputException.FieldIn(path, $"events[{index++}]"), correlationId));
        }

        return new AppendRequest(expected, events);
    }


    private static EventData ParseEvent(JsonElement item, string field, string correlationId)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException(field, "must be an object");
        }

        RefuseUnknownMembers(item, field, EventMembers);
        var id = Guid.CreateVersion7();
        if (item.TryGetProperty("eventId", out var idElement) && idElement.ValueKind != JsonValueKind.Null
            && !(idElement.ValueKind == JsonValueKind.String && Guid.TryParse(idElement.GetString(), out id)))
        {
            throw new InvalidInputException($"{field}.eventId", "must be a UUID");
        }

        var type = "";
        if (item.TryGetProperty("type", out var t))
        {
            type = t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new InvalidInputException($"{field}.type", "must be a JSON string");
        }

        if (!item.TryGetProperty("data", out var data) || data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw new InvalidInputException($"{field}.data", "is required");
        }

        var metadata = EventMetadata.Empty;
        if (item.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidInputException($"{field}.metadata", "must be an object");
            }

            if (m.TryGetProperty("principal", out _))
            {
                throw new InvalidInputException($"{field}.metadata.principal", "is written by the server (the authenticated principal); leave it out");
            }

            try
            {
                metadata = EventJson.ReadInput<EventMetadata>(m);
            }
            catch (InvalidInputException bad)
            {
                throw new InvalidInputException(bad.Field == "body" ? $"{field}.metadata" : $"{field}.metadata.{bad.Field}", bad.Reason);
            }
        }

        return new EventData(id, type, data.GetRawText(), metadata with { CorrelationId = metadata.CorrelationId ?? correlationId });
    }

    /// <summary>A member the envelope does not have is a typo to report, not something to ignore; so is one given twice.</summary>
    internal static void RefuseUnknownMembers(JsonElement value, string path, string[] known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            var field = InvalidInputException.FieldIn(path, member.Name);
            if (!known.Contains(member.Name, StringComparer.Ordinal))
            {
                throw new InvalidInputException(field, "is an unknown field");
            }

            if (!seen.Add(member.Name))
            {
                throw new InvalidInputException(field, "appears more than once");
            }
        }
    }
}
