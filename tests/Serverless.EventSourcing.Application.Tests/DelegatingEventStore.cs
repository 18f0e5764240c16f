namespace Serverless.EventSourcing.Application.Tests;

/// <summary>Passes every call to a real store; tests override one method to inject a race or a fault.</summary>
public abstract class DelegatingEventStore(IEventStore inner) : IEventStore
{
    protected IEventStore Inner { get; } = inner;

    public virtual Task<AppendResult> AppendAsync(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken ct = default) => Inner.AppendAsync(stream, expected, events, ct);

    public virtual Task<IReadOnlyList<AppendResult>> AppendStreamsAsync(IReadOnlyList<StreamAppend> appends, CancellationToken ct = default) => Inner.AppendStreamsAsync(appends, ct);

    public virtual Task<StreamSlice> ReadStreamAsync(StreamId stream, long fromVersion, int limit, ReadDirection direction = ReadDirection.Forward, CancellationToken ct = default) => Inner.ReadStreamAsync(stream, fromVersion, limit, direction, ct);

    public virtual Task<IReadOnlyList<StoredEvent>> ReadForFoldAsync(StreamId stream, long afterVersion, long toVersion, CancellationToken ct = default) => Inner.ReadForFoldAsync(stream, afterVersion, toVersion, ct);

    public virtual Task<LogSlice> ReadLogAsync(LogCursor after, int limit, CancellationToken ct = default) => Inner.ReadLogAsync(after, limit, ct);

    public virtual Task<LogStart> LogStartAfterAsync(long? afterPosition, CancellationToken ct = default) => Inner.LogStartAfterAsync(afterPosition, ct);

    public virtual Task<QueryPage> QueryAsync(EventQuery query, CancellationToken ct = default) => Inner.QueryAsync(query, ct);

    public virtual Task<long> GetVersionAtAsync(StreamId stream, DateTimeOffset asOf, CancellationToken ct = default) => Inner.GetVersionAtAsync(stream, asOf, ct);

    public virtual Task<StreamInfo?> GetStreamAsync(StreamId stream, CancellationToken ct = default) => Inner.GetStreamAsync(stream, ct);

    public virtual Task<IReadOnlySet<string>> DeletedAmongAsync(IReadOnlyCollection<string> streams, CancellationToken ct = default) => Inner.DeletedAmongAsync(streams, ct);

    public virtual Task<StreamInfo> TombstoneAsync(StreamId stream, ExpectedVersion expected, CancellationToken ct = default) => Inner.TombstoneAsync(stream, expected, ct);

    public virtual Task<StreamInfo?> SetPolicyAsync(StreamId stream, Serverless.EventSourcing.Retention.StreamPolicy policy, CancellationToken ct = default) => Inner.SetPolicyAsync(stream, policy, ct);
}
