namespace Serverless.EventSourcing.Infra.Tests;

/// <summary>
/// Just enough of a Bicep lexer to find matching braces and top-level lines: it knows
/// single-quoted strings with escapes and ${...} interpolation, ''' multi-line strings and
/// // and /* */ comments. It does not validate anything.
/// </summary>
internal static class BicepText
{
    private enum Mode
    {
        Code,
        String,
        MultiLineString,
        LineComment,
        BlockComment,
    }

    /// <summary>Index of the '}' closing the '{' at <paramref name="openIndex"/>.</summary>
    public static int FindClosingBrace(string text, int openIndex)
    {
        if (text[openIndex] != '{')
        {
            throw new ArgumentException($"No '{{' at index {openIndex}.", nameof(openIndex));
        }

        var depth = 0;
        foreach (var ch in Lex(text, openIndex))
        {
            if (!ch.IsStructural)
            {
                continue;
            }

            depth += ch.Value switch
            {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };

            if (depth == 0)
            {
                return ch.Index;
            }
        }

        throw new FormatException($"The '{{' at index {openIndex} is never closed.");
    }

    /// <summary>The lines of an object body that sit at its top level, comments removed.</summary>
    public static IReadOnlyList<string> TopLevelLines(string body)
    {
        var lines = new List<string>();
        var current = new System.Text.StringBuilder();
        var depth = 0;

        foreach (var ch in Lex(body, 0))
        {
            if (ch.IsComment)
            {
                continue;
            }

            if (ch.IsStructural)
            {
                depth += ch.Value switch
                {
                    '{' or '[' or '(' => 1,
                    '}' or ']' or ')' => -1,
                    _ => 0,
                };

                if (ch.Value == '\n' && depth == 0)
                {
                    AddLine(lines, current);
                    continue;
                }
            }

            current.Append(ch.Value);
        }

        AddLine(lines, current);
        return lines;
    }

    private static void AddLine(List<string> lines, System.Text.StringBuilder current)
    {
        var line = current.ToString().Trim();
        if (line.Length > 0)
        {
            lines.Add(line);
        }

        current.Clear();
    }

    private static IEnumerable<LexedChar> Lex(string text, int start)
    {
        var mode = Mode.Code;
        var interpolations = new Stack<int>(); // brace depth inside each open ${...}

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            var nested = interpolations.Count > 0;

            switch (mode)
            {
                case Mode.Code when c == '/' && next == '/':
                    mode = Mode.LineComment;
                    yield return new LexedChar(i, c, Kind.Comment);
                    break;
                case Mode.Code when c == '/' && next == '*':
                    mode = Mode.BlockComment;
                    yield return new LexedChar(i, c, Kind.Comment);
                    break;
                case Mode.Code when c == '\'' && string.CompareOrdinal(text, i, "'''", 0, 3) == 0:
                    mode = Mode.MultiLineString;
                    yield return new LexedChar(i, c, Kind.Literal);
                    yield return new LexedChar(i + 1, c, Kind.Literal);
                    yield return new LexedChar(i + 2, c, Kind.Literal);
                    i += 2;
                    break;
                case Mode.Code when c == '\'':
                    mode = Mode.String;
                    yield return new LexedChar(i, c, Kind.Literal);
                    break;
                case Mode.Code when nested && c == '}' && interpolations.Peek() == 0:
                    interpolations.Pop();
                    mode = Mode.String;
                    yield return new LexedChar(i, c, Kind.Literal);
                    break;
                case Mode.Code:
                    if (nested && c is '{' or '}')
                    {
                        interpolations.Push(interpolations.Pop() + (c == '{' ? 1 : -1));
                    }

                    yield return new LexedChar(i, c, nested ? Kind.Literal : Kind.Structural);
                    break;
                case Mode.String when c == '\\' && next != '\0':
                    yield return new LexedChar(i, c, Kind.Literal);
                    yield return new LexedChar(i + 1, next, Kind.Literal);
                    i++;
                    break;
                case Mode.String when c == '$' && next == '{':
                    interpolations.Push(0);
                    mode = Mode.Code;
                    yield return new LexedChar(i, c, Kind.Literal);
                    yield return new LexedChar(i + 1, next, Kind.Literal);
                    i++;
                    break;
                case Mode.String when c == '\'':
                    mode = Mode.Code;
                    yield return new LexedChar(i, c, Kind.Literal);
                    break;
                case Mode.MultiLineString when c == '\'' && string.CompareOrdinal(text, i, "'''", 0, 3) == 0:
                    mode = Mode.Code;
                    yield return new LexedChar(i, c, Kind.Literal);
                    yield return new LexedChar(i + 1, c, Kind.Literal);
                    yield return new LexedChar(i + 2, c, Kind.Literal);
                    i += 2;
                    break;
                case Mode.LineComment when c == '\n':
                    mode = Mode.Code;
                    yield return new LexedChar(i, c, nested ? Kind.Literal : Kind.Structural);
                    break;
                case Mode.BlockComment when c == '*' && next == '/':
                    mode = Mode.Code;
                    yield return new LexedChar(i, c, Kind.Comment);
                    yield return new LexedChar(i + 1, next, Kind.Comment);
                    i++;
                    break;
                case Mode.LineComment or Mode.BlockComment:
                    yield return new LexedChar(i, c, Kind.Comment);
                    break;
                default:
                    yield return new LexedChar(i, c, Kind.Literal);
                    break;
            }
        }
    }

    private enum Kind
    {
        Structural,
        Literal,
        Comment,
    }

    private readonly record struct LexedChar(int Index, char Value, Kind Kind)
    {
        public bool IsStructural => Kind == Kind.Structural;

        public bool IsComment => Kind == Kind.Comment;
    }
}
