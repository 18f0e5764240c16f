using System.Globalization;

namespace Serverless.EventSourcing.Streams;

/// <summary>
/// What the writer believes the stream's version to be. Versions are 1-based, so <see cref="NoStream"/>
/// is 0; the negative sentinels match what the store's SQL function expects.
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    public long Value { get; }

    public static ExpectedVersion Any { get; } = new(-1);

    public static ExpectedVersion StreamExists { get; } = new(-2);

    public static ExpectedVersion NoStream { get; } = new(0);

    public bool IsExact => Value >= 0;

    /// <summary>Whether a stream at <paramref name="current"/> (0 = absent) meets this expectation.</summary>
    public bool Accepts(long current) => Value switch
    {
        -1 => true,
        -2 => current > 0,
        _ => Value == current,
    };

    public static ExpectedVersion Exactly(long version) => Exactly(version, "expectedVersion");

    /// <param name="field">The field a negative version is reported against (<c>appends[1].expectedVersion</c>).</param>
    public static ExpectedVersion Exactly(long version, string field) =>
        version >= 0 ? new ExpectedVersion(version) : throw new InvalidInputException(field, "an exact expected version must be 0 or more");

    /// <summary>Parses <c>any</c>, <c>no_stream</c>, <c>stream_exists</c> or a non-negative number.</summary>
    public static ExpectedVersion Parse(string? text, string field = "expectedVersion")
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "any":
                return Any;
            case "no_stream":
                return NoStream;
            case "stream_exists":
                return StreamExists;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? new ExpectedVersion(version)
            : throw new InvalidInputException(field, "expected version must be 'any', 'no_stream', 'stream_exists' or a version number (0 or more)");
    }

    public override string ToString() => Value switch
    {
        -1 => "any",
        -2 => "stream_exists",
        0 => "no_stream",
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
