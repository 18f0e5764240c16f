using System.Text.Json;

namespace Serverless.EventSourcing.Events;

/// <summary>
/// Turns the <see cref="JsonException"/> of a strict read (<see cref="EventJson.InputOptions"/>) into a 400 that names
/// the field and says what is wrong with it. The serializer only gives the path; what is wrong comes from the input
/// type's contract (is there such a member? of what type?) and the body, never from the exception's message text.
/// </summary>
internal static class InputErrors
{
    public static InvalidInputException Explain(Type inputType, JsonSerializerOptions options, JsonElement body, JsonException error)
    {
        var segments = Segments(error.Path);
        if (segments.Count == 0)
        {
            return new InvalidInputException("body", "must be a JSON object of the request's shape");
        }

        var field = string.Join("", segments.Select((s, i) => s.Index is { } index ? $"[{index}]" : i == 0 ? s.Name : "." + s.Name));
        var info = options.GetTypeInfo(inputType);
        var element = body;
        foreach (var segment in segments)
        {
            if (segment.Index is { } index)
            {
                if (info.ElementType is null || element.ValueKind != JsonValueKind.Array)
                {
                    return new InvalidInputException(field, "has the wrong type or shape");
                }

                info = options.GetTypeInfo(info.ElementType);
                element = element.GetArrayLength() > index ? element[index] : default;
                continue;
            }

            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment.Name, comparison));
            if (property is null)
            {
                return new InvalidInputException(field, "is an unknown field");
            }

            if (element.ValueKind == JsonValueKind.Object && element.EnumerateObject().Count(p => string.Equals(p.Name, segment.Name, comparison)) > 1)
            {
                return new InvalidInputException(field, "appears more than once");
            }

            info = options.GetTypeInfo(property.PropertyType);
            element = element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment.Name!, out var child) ? child : default;
        }

        return new InvalidInputException(field, Expected(info.Type));
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(ulong) || type == typeof(uint)
                => "must be a JSON number: a whole number in range, without quotes, fraction or exponent",
            _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "must be a JSON number, without quotes",
            _ when type == typeof(string) => "must be a JSON string",
            _ when type == typeof(bool) => "must be true or false",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "must be an ISO 8601 timestamp string",
            _ when type == typeof(Guid) => "must be a UUID string",
            _ when type.IsEnum => $"must be one of {string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n)))}",
            _ when type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) => "must be a JSON array",
            _ => "must be a JSON object",
        };
    }

    /// <summary>Reads <c>$.a.b[2]['odd name']</c> into segments.</summary>
    private static List<(string? Name, int? Index)> Segments(string? path)
    {
        var segments = new List<(string? Name, int? Index)>();
        var text = path ?? "$";
        var i = text.StartsWith('$') ? 1 : 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = text.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? text.Length : end;
                segments.Add((text[(i + 1)..end], null));
                i = end;
            }
            else if (text[i] == '[' && i + 1 < text.Length && text[i + 1] == '\'')
            {
                var end = text.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end;
                segments.Add((text[(i + 2)..end], null));
                i = Math.Min(end + 2, text.Length);
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                end = end < 0 ? text.Length : end;
                segments.Add((null, int.TryParse(text[(i + 1)..end], out var index) ? index : 0));
                i = Math.Min(end + 1, text.Length);
            }
            else
            {
                break;
            }
        }

        return segments;
    }
}
