using System.Text;
using System.Text.RegularExpressions;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Store;

/// <summary>Rejects a malformed append before it reaches the database, naming the offending field.</summary>
public static partial class AppendValidator
{
    public const int MaxTypeLength = 200;

    /// <returns>Each event's metadata as JSON (the size check needs it), so the store does not serialize it again.</returns>
    public static string[] Validate(IReadOnlyList<EventData>? events, EventStoreLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (events is null || events.Count == 0)
        {
            throw new InvalidInputException("events", "at least one event is required");
        }

        if (events.Count > limits.MaxEventsPerAppend)
        {
            throw new InvalidInputException("events", $"at most {limits.MaxEventsPerAppend} events may be appended at once, got {events.Count}");
        }

        var seen = new HashSet<Guid>();
        var metadataJson = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new InvalidInputException($"events[{i}]", "event is missing");
            if (e.EventId == Guid.Empty)
            {
                throw new InvalidInputException($"events[{i}].eventId", "event id must not be the empty UUID");
            }

            if (!seen.Add(e.EventId))
            {
                throw new InvalidInputException($"events[{i}].eventId", "event id appears twice in this append");
            }

            ValidateType(e.Type, $"events[{i}].type");
            if (string.IsNullOrWhiteSpace(e.Data))
            {
                throw new InvalidInputException($"events[{i}].data", "data must be a JSON document");
            }

            CheckStorableJson(e.Data, $"events[{i}].data", "data must be a JSON document");

            var metadata = e.Metadata ?? throw new InvalidInputException($"events[{i}].metadata", "metadata is missing");
            if (metadata.SchemaVersion < 1)
            {
                throw new InvalidInputException($"events[{i}].metadata.schemaVersion", "schema version must be 1 or more");
            }

            metadataJson[i] = metadata.ToJson();
            CheckStorableJson(metadataJson[i], $"events[{i}].metadata", "metadata must be a JSON object");
            var bytes = Encoding.UTF8.GetByteCount(e.Data) + Encoding.UTF8.GetByteCount(metadataJson[i]);
            if (bytes > limits.MaxEventBytes)
            {
                throw new InvalidInputException($"events[{i}]", $"event is {bytes} bytes, over the {limits.MaxEventBytes}-byte limit");
            }
        }

        return metadataJson;
    }

    /// <summary>JSON that is well formed and holds only text PostgreSQL can store (see <see cref="StorableText"/>).</summary>
    private static void CheckStorableJson(string json, string field, string notJsonReason)
    {
        // A raw unpaired surrogate has no UTF-8 form; encoding would silently replace it, so look at the string first.
        if (!StorableText.IsStorable(json))
        {
            throw new InvalidInputException(field, StorableText.Reason);
        }

        StorableText.CheckJson(Encoding.UTF8.GetBytes(json), field, notJsonReason);
    }

    public static void ValidateType(string? type, string field)
    {
        if (string.IsNullOrEmpty(type))
        {
            throw new InvalidInputException(field, "event type is required");
        }

        if (type.Length > MaxTypeLength || !TypeShape().IsMatch(type))
        {
            throw new InvalidInputException(field, $"event type must start with a letter and hold only letters, digits, '_', '-' or '.', at most {MaxTypeLength} characters");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeShape();
}
