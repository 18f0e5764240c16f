using System.Buffers;
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

    /// <summary>A token found in UTF-8 JSON: where its string (quotes included) lies, and the envelope category around it.</summary>
    public sealed record Located(int Start, int Length, string Subject, byte[] Sealed, string? Category);

    /// <summary>
    /// Every token of <paramref name="json"/> in one reader pass, no tree: an object that names a <c>streamId</c> and a
    /// <c>category</c> (an event envelope) gives that category to the values after them, as envelopes are written.
    /// A token before them keeps the outer category, so it is shown only as the outer scope allows.
    /// </summary>
    public static List<Located> Locate(ReadOnlySpan<byte> json, string? category = null)
    {
        var found = new List<Located>();
        var frames = new Stack<(string? Category, bool Stream, string? Own)>();
        var current = (Category: category, Stream: false, Own: (string?)null);
        var reader = new Utf8JsonReader(json);
        string? member = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    frames.Push(current);
                    current = (Effective(current), false, null);
                    member = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    current = frames.Pop();
                    member = null;
                    break;
                case JsonTokenType.PropertyName:
                    member = reader.GetString();
                    break;
                case JsonTokenType.String:
                    if (!reader.ValueIsEscaped && reader.ValueSpan.StartsWith("pd1."u8)
                        && PersonalTokens.TryParse(System.Text.Encoding.UTF8.GetString(reader.ValueSpan), out var subject, out var sealedBytes))
                    {
                        found.Add(new Located((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2, subject, sealedBytes, Effective(current)));
                    }
                    else if (member == "streamId")
                    {
                        current.Stream = true;
                    }
                    else if (member == "category")
                    {
                        current.Own = reader.GetString();
                    }

                    member = null;
                    break;
                default:
                    member = null;
                    break;
            }
        }

        return found;
    }

    /// <summary><paramref name="json"/> with each located token replaced as <see cref="Replace"/> does, every other byte kept.</summary>
    public static byte[] Splice(ReadOnlySpan<byte> json, IReadOnlyList<Located> tokens, Func<Located, bool> reveal, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(reveal);
        var output = new ArrayBufferWriter<byte>(json.Length + 64);
        var ciphers = new Dictionary<string, System.Security.Cryptography.AesGcm>(StringComparer.Ordinal);
        try
        {
            var at = 0;
            foreach (var token in tokens)
            {
                output.Write(json[at..token.Start]);
                var plain = !keys.TryGetValue(token.Subject, out var key) || !reveal(token)
                    ? null
                    : PersonalTokens.Open(token.Subject, Cipher(ciphers, token.Subject, key), token.Sealed);
                var replacement = plain ?? JsonSerializer.Serialize(key is null ? PersonalTokens.ErasedMarker : PersonalTokens.RedactedMarker);
                output.Write(System.Text.Encoding.UTF8.GetBytes(replacement));
                at = token.Start + token.Length;
            }

            output.Write(json[at..]);
            return output.WrittenSpan.ToArray();
        }
        finally
        {
            foreach (var cipher in ciphers.Values)
            {
                cipher.Dispose();
            }
        }
    }

    private static System.Security.Cryptography.AesGcm Cipher(Dictionary<string, System.Security.Cryptography.AesGcm> ciphers, string subject, byte[] key)
    {
        if (!ciphers.TryGetValue(subject, out var cipher))
        {
            cipher = PersonalTokens.Cipher(key);
            ciphers[subject] = cipher;
        }

        return cipher;
    }

    private static string? Effective((string? Category, bool Stream, string? Own) frame) => frame.Stream && frame.Own is not null ? frame.Own : frame.Category;

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
