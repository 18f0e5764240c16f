namespace Serverless.EventSourcing.Retention;

/// <summary>
/// Which of a stream's events stay visible, as KurrentDB defines its stream metadata: at most <see cref="MaxCount"/> of
/// the newest, none older than <see cref="MaxAge"/>, none below version <see cref="TruncateBefore"/>. Events outside it
/// are hidden from stream reads at once and removed by the cleanup job later. A null field does not limit.
/// </summary>
public sealed record StreamPolicy(long? MaxCount = null, TimeSpan? MaxAge = null, long? TruncateBefore = null)
{
    public static StreamPolicy None { get; } = new();

    public bool IsEmpty => MaxCount is null && MaxAge is null && TruncateBefore is null;

    /// <summary>This stream's own fields, each falling back to the category's.</summary>
    public StreamPolicy Over(StreamPolicy category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return new(MaxCount ?? category.MaxCount, MaxAge ?? category.MaxAge, TruncateBefore ?? category.TruncateBefore);
    }

    /// <summary>The lowest version the count and truncation limits leave visible in a stream at <paramref name="streamVersion"/>.</summary>
    public long FirstVisibleVersion(long streamVersion) =>
        Math.Max(1, Math.Max(TruncateBefore ?? 1, MaxCount is { } count ? streamVersion - count + 1 : 1));

    /// <summary>Events created before this are hidden (null: age does not limit).</summary>
    public DateTimeOffset? OldestVisible(DateTimeOffset now) => MaxAge is { } age ? now - age : null;

    /// <summary>Whether an event stays visible.</summary>
    public bool Keeps(long eventVersion, DateTimeOffset createdAt, long streamVersion, DateTimeOffset now) =>
        eventVersion >= FirstVisibleVersion(streamVersion) && (OldestVisible(now) is not { } oldest || createdAt >= oldest);

    /// <summary>Checks the fields a caller sent.</summary>
    /// <exception cref="InvalidInputException">A field is out of range.</exception>
    public StreamPolicy Validated()
    {
        if (MaxCount is < 1)
        {
            throw new InvalidInputException("maxCount", "must be 1 or more");
        }

        if (MaxAge is { } age && age < TimeSpan.FromSeconds(1))
        {
            throw new InvalidInputException("maxAgeSeconds", "must be 1 or more");
        }

        if (TruncateBefore is < 1)
        {
            throw new InvalidInputException("truncateBefore", "must be 1 or more");
        }

        return this;
    }
}
