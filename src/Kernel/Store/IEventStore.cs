using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Store;

/// <summary>The event store as every layer above the database sees it.</summary>
public interface IEventStore
{
    /// <summary>
    /// Appends atomically after checking <paramref name="expected"/>. Re-sending the same event ids to
    /// the same position returns the original result and writes nothing.
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">The stream is not where the caller expected.</exception>
    /// <exception cref="StreamDeletedException">The stream was tombstoned.</exception>
    /// <exception cref="DuplicateEventIdException">An event id was used before, and this is not a retry of that append.</exception>
    /// <exception cref="InvalidInputException">The batch breaks a limit or is malformed; nothing was written.</exception>
    Task<AppendResult> AppendAsync(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken ct = default);

    /// <summary>
    /// Appends to several streams in one transaction: every stream's events are committed, or none. Each stream is
    /// checked against its own expected version and idempotency rules; a retry of the whole request with the same event
    /// ids returns the original results. A stream may appear once.
    /// </summary>
    /// <returns>One result per stream, in the order given.</returns>
    /// <exception cref="MultiStreamAppendException">At least one stream refused; nothing was written. Names each refusal.</exception>
    /// <exception cref="InvalidInputException">A stream appears twice, there are too many streams or events, or an append is malformed.</exception>
    Task<IReadOnlyList<AppendResult>> AppendStreamsAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct = default);

    /// <summary>Reads a stream from <paramref name="fromVersion"/> (inclusive) forwards, or backwards from it.</summary>
    Task<StreamSlice> ReadStreamAsync(StreamId stream, long fromVersion, int limit, ReadDirection direction = ReadDirection.Forward, CancellationToken ct = default);

    /// <summary>Reads the events after <paramref name="afterVersion"/> up to <paramref name="toVersion"/>, for folding an aggregate.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadForFoldAsync(StreamId stream, long afterVersion, long toVersion, CancellationToken ct = default);

    /// <summary>
    /// Reads the global log after <paramref name="after"/>, never handing out an event while an
    /// earlier-starting transaction could still commit one before it. Checkpoint the returned cursor.
    /// </summary>
    Task<LogSlice> ReadLogAsync(LogCursor after, int limit, CancellationToken ct = default);

    /// <summary>
    /// Turns a global position (from any event the API returned; null for the highest one now) into a place to read the
    /// gap-safe log from: the events above that position, in log order, none skipped whenever it commits.
    /// </summary>
    Task<LogStart> LogStartAfterAsync(long? afterPosition, CancellationToken ct = default);

    /// <summary>Filters the log by global position (keyset paging). For browsing and replays, not for subscriptions.</summary>
    Task<QueryPage> QueryAsync(EventQuery query, CancellationToken ct = default);

    /// <summary>The stream's version as it was at <paramref name="asOf"/> (0 when it had no events yet).</summary>
    Task<long> GetVersionAtAsync(StreamId stream, DateTimeOffset asOf, CancellationToken ct = default);

    Task<StreamInfo?> GetStreamAsync(StreamId stream, CancellationToken ct = default);

    /// <summary>Which of <paramref name="streams"/> are deleted (tombstoned), in one look for many live subscribers.</summary>
    async Task<IReadOnlySet<string>> DeletedAmongAsync(IReadOnlyCollection<string> streams, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stream in streams)
        {
            if (await GetStreamAsync(StreamId.Parse(stream), ct) is { IsDeleted: true })
            {
                deleted.Add(stream);
            }
        }

        return deleted;
    }

    /// <summary>
    /// Sets the stream's own retention policy (null fields fall back to its category's). Events outside the policy in
    /// force are hidden from stream reads at once and removed by the cleanup job.
    /// </summary>
    /// <returns>The stream with its new policy, or null when it does not exist.</returns>
    Task<StreamInfo?> SetPolicyAsync(StreamId stream, Retention.StreamPolicy policy, CancellationToken ct = default);

    /// <summary>Soft-deletes a stream: it keeps its events until cleanup purges it, and accepts no more.</summary>
    Task<StreamInfo> TombstoneAsync(StreamId stream, ExpectedVersion expected, CancellationToken ct = default);
}
