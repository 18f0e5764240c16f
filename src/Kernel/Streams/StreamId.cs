using System.Text.RegularExpressions;

namespace Serverless.EventSourcing.Streams;

/// <summary>
/// A stream id of the form <c>category-id</c> (for example <c>account-42</c>). The category is the
/// aggregate type; the id may itself contain dashes.
/// </summary>
public readonly partial record struct StreamId
{
    public const int MaxLength = 200;

    private StreamId(string value, int dash)
    {
        Value = value;
        Category = value[..dash];
        Id = value[(dash + 1)..];
    }

    public string Value { get; }

    public string Category { get; }

    public string Id { get; }

    public static StreamId Parse(string? value, string field = "streamId") =>
        TryParse(value, out var id, out var error) ? id : throw new InvalidInputException(field, error);

    public static StreamId For(string category, string id, string field = "streamId") => Parse($"{category}-{id}", field);

    public static bool TryParse(string? value, out StreamId streamId, out string error)
    {
        streamId = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "stream id is required";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"stream id is longer than {MaxLength} characters";
            return false;
        }

        if (!Shape().IsMatch(value))
        {
            error = "stream id must look like 'category-id': the category a letter then letters, digits or '_', the id letters, digits, '_', '-', '.' or ':'";
            return false;
        }

        streamId = new StreamId(value, value.IndexOf('-', StringComparison.Ordinal));
        error = "";
        return true;
    }

    /// <summary>A category as the first part of a stream id takes it (a letter, then letters, digits or '_'; at most 64).</summary>
    public static string CheckCategory(string category, string field = "category") =>
        CategoryShape().IsMatch(category)
            ? category
            : throw new InvalidInputException(field, "a category starts with a letter and holds only letters, digits or '_', at most 64 characters");

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}-[A-Za-z0-9_.:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CategoryShape();
}
