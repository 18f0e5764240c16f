using System.Text.Json;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>
/// The body of an atomic append to several streams: <c>{appends:[{streamId, expectedVersion?, events:[…]}]}</c>, each
/// append shaped and checked exactly as a single stream's append body, its fields named <c>appends[i].…</c>.
/// </summary>
internal static class MultiStreamAppendRequest
{
    private static readonly string[] Members = ["appends"];
    private static readonly string[] AppendMembers = ["streamId", "expectedVersion", "events"];

    public static IReadOnlyList<(StreamId Stream, AppendRequest Append)> Parse(JsonElement body, string correlationId)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException("body", "must be a JSON object");
        }

        AppendRequest.RefuseUnknownMembers(body, "", Members);
        if (!body.TryGetProperty("appends", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new InvalidInputException("appends", "a non-empty array of appends is required");
        }

        var appends = new List<(StreamId, AppendRequest)>(list.GetArrayLength());
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"appends[{index++}]";
            // Not an object: the append's own parse names it.
            var stream = item.ValueKind == JsonValueKind.Object ? ParseStream(item, InvalidInputException.FieldIn(path, "streamId")) : default;
            appends.Add((stream, AppendRequest.Parse(item, correlationId, path, AppendMembers)));
        }

        return appends;
    }

    private static StreamId ParseStream(JsonElement item, string field)
    {
        if (!item.TryGetProperty("streamId", out var id))
        {
            throw new InvalidInputException(field, "is required");
        }

        return id.ValueKind == JsonValueKind.String ? StreamId.Parse(id.GetString(), field) : throw new InvalidInputException(field, "must be a JSON string");
    }
}
