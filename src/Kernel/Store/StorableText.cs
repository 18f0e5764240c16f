using System.Text;
using System.Text.Json;

namespace Serverless.EventSourcing.Store;

/// <summary>
/// Text PostgreSQL can store. Its <c>text</c>, <c>json</c> and <c>jsonb</c> values are UTF-8 without U+0000, so a
/// NUL (raw, or as the JSON escape <c>\u0000</c>) and an unpaired UTF-16 surrogate (<c>\ud800</c>, which has no UTF-8
/// form) are refused before anything is written: <c>json</c> would keep the escape, and the first projection or
/// <c>jsonb</c> cast that decodes it would fail on that event forever.
/// </summary>
public static class StorableText
{
    public const string Reason = "contains U+0000 or an unpaired UTF-16 surrogate, which PostgreSQL cannot store";

    /// <summary>True when <paramref name="text"/> has no U+0000 and every surrogate is half of a pair.</summary>
    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks one JSON document given as UTF-8: refuses it (naming <paramref name="root"/>) when it is not valid UTF-8
    /// or not exactly one JSON value, and refuses any string or member name that <see cref="IsStorable"/> would,
    /// naming its path under <paramref name="root"/> (<c>events[0].data.list[2]</c>; for a member name, the object
    /// holding it). An empty <paramref name="root"/> is the request body itself: paths start at its members.
    /// </summary>
    /// <exception cref="InvalidInputException">The document is malformed or holds unstorable text.</exception>
    public static void CheckJson(ReadOnlySpan<byte> utf8Json, string root, string notJsonReason = "must be a JSON document")
    {
        var rootField = root.Length == 0 ? "body" : root;
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            throw new InvalidInputException(rootField, "is not valid UTF-8");
        }

        var path = new List<Segment>();
        var reader = new Utf8JsonReader(utf8Json);
        var sawValue = false;
        try
        {
            while (reader.Read())
            {
                sawValue = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path[^1] = path[^1] with { Name = null };
                        if (reader.ValueIsEscaped && !EscapesAreStorable(reader.ValueSpan))
                        {
                            throw new InvalidInputException(PathOf(root, path), $"has a member name that {Reason}");
                        }

                        path[^1] = path[^1] with { Name = reader.GetString() };
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        EnterValue(path);
                        path.Add(new Segment(reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    default:
                        EnterValue(path);
                        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && !EscapesAreStorable(reader.ValueSpan))
                        {
                            throw new InvalidInputException(PathOf(root, path), Reason);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            throw new InvalidInputException(rootField, notJsonReason);
        }

        if (!sawValue)
        {
            throw new InvalidInputException(rootField, notJsonReason);
        }
    }

    /// <summary>A value starts: inside an array it takes the next index.</summary>
    private static void EnterValue(List<Segment> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    /// <summary>The path of the value being read (an object whose member is not named yet is the object itself).</summary>
    private static string PathOf(string root, List<Segment> path)
    {
        var text = new StringBuilder(root);
        foreach (var segment in path)
        {
            if (segment.IsArray)
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
            else if (segment.Name is not null)
            {
                text.Append(text.Length == 0 ? "" : ".").Append(segment.Name);
            }
        }

        return text.Length == 0 ? "body" : text.ToString();
    }

    /// <summary>
    /// Decodes the <c>\uXXXX</c> escapes of a raw (still escaped) JSON string: none may be U+0000, and surrogates must
    /// come as a high then a low escape. Other characters need no check: the bytes are valid UTF-8, which cannot
    /// encode a surrogate, and a raw U+0000 is not valid inside a JSON string.
    /// </summary>
    private static bool EscapesAreStorable(ReadOnlySpan<byte> raw)
    {
        var expectLow = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (expectLow)
                {
                    return false;
                }

                continue;
            }

            var escape = raw[++i];
            if (escape != (byte)'u')
            {
                if (expectLow)
                {
                    return false;
                }

                continue;
            }

            var unit = Hex(raw.Slice(i + 1, 4));
            i += 4;
            if (unit == 0 || (expectLow != char.IsLowSurrogate((char)unit)))
            {
                return false;
            }

            expectLow = char.IsHighSurrogate((char)unit);
        }

        return !expectLow;
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            value = (value << 4) | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
        }

        return value;
    }

    private readonly record struct Segment(bool IsArray, int Index, string? Name);
}
