using System.Text.RegularExpressions;

namespace Serverless.EventSourcing;

/// <summary>Small input checks for command <see cref="ICommand.Validate"/> methods.</summary>
public static partial class Require
{
    public static void NotBlank(string? value, string field, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidInputException(field, "is required");
        }

        if (value.Length > maxLength)
        {
            throw new InvalidInputException(field, $"must be at most {maxLength} characters");
        }
    }

    public static void Positive(long value, string field)
    {
        if (value <= 0)
        {
            throw new InvalidInputException(field, "must be a positive whole number of minor units");
        }
    }

    public static void CurrencyCode(string? value, string field)
    {
        if (value is null || !Iso4217Shape().IsMatch(value))
        {
            throw new InvalidInputException(field, "must be a three-letter upper-case ISO 4217 code");
        }
    }

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso4217Shape();
}
