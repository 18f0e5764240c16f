using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.EventSourcing.Events;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// Finds the personal tokens in a JSON document and replaces each by what its reader may see: the plain value, the
/// erasure marker when its subject's key is gone, or the redaction marker when the reader may not see it. Works on any
/// JSON (events, aggregate state, snapshots, read-model rows): tokens are self-describing.
/// </summary>
public static class PersonalValues
{
    /// <summary>A token found in a document, and the category of the event envelope it sits in (null outside one).</summary>
    public sealed record Found(JsonNode Parent, string? Member, int Index, string Subject, byte[] Sealed, string? Category);

    public static bool MayHoldTokens(ReadOnlySpan<byte> json) => json.IndexOf(PersonalTokens.Marker) >= 0;

    public static bool MayHoldTokens(string json) => json.Contains(PersonalTokens.Prefix, StringComparison.Ordinal);

    /// <summary>Every token of <paramref name="root"/>, with the envelope category around it.</summary>
    public static List<Found> Find(JsonNode root, string? category = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var found = new List<Found>();
        Walk(root, category, found);
        return found;
    }

    /// <summary>Replaces every token: decrypted where <paramref name="reveal"/> says so and a key is there, the markers otherwise.</summary>
    public static void Replace(IEnumerable<Found> tokens, Func<Found, bool> reveal, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(reveal);
        foreach (var token in tokens)
        {
            JsonNode replacement = !keys.TryGetValue(token.Subject, out var key)
                ? JsonValue.Create(PersonalTokens.ErasedMarker)
                : !reveal(token)
                    ? JsonValue.Create(PersonalTokens.RedactedMarker)
                    : PersonalTokens.Open(token.Subject, key, token.Sealed) is { } plain ? JsonNode.Parse(plain)! : JsonValue.Create(PersonalTokens.RedactedMarker);
            if (token.Member is not null)
            {
                token.Parent.AsObject()[token.Member] = replacement;
            }
            else
            {
                token.Parent.AsArray()[token.Index] = replacement;
            }
        }
    }

    /// <summary>The event data with its tokens opened (or marked erased), for projections that need the plain values.</summary>
    public static string Open(string dataJson, IReadOnlyDictionary<string, byte[]> keys)
    {
        if (!MayHoldTokens(dataJson) || JsonNode.Parse(dataJson) is not { } root)
        {
            return dataJson;
        }

        var tokens = Find(root);
        Replace(tokens, _ => true, keys);
        return root.ToJsonString(EventJson.Options);
    }

    private static void Walk(JsonNode node, string? category, List<Found> found)
    {
        switch (node)
        {
            case JsonObject obj:
                // An event envelope: its category decides who may see the personal values inside it.
                var inner = obj["streamId"] is JsonValue && obj["category"] is JsonValue c && c.TryGetValue(out string? cat) ? cat : category;
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonValue value && Token(value) is { } t)
                    {
                        found.Add(new Found(obj, name, -1, t.Subject, t.Sealed, inner));
                    }
                    else if (child is not null)
                    {
                        Walk(child, inner, found);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && Token(value) is { } t)
                    {
                        found.Add(new Found(array, null, i, t.Subject, t.Sealed, category));
                    }
                    else if (array[i] is { } child)
                    {
                        Walk(child, category, found);
                    }
                }

                break;
        }
    }

    private static (string Subject, byte[] Sealed)? Token(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is var text && PersonalTokens.TryParse(text, out var subject, out var sealedBytes)
            ? (subject, sealedBytes)
            : null;
}
