using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>An append waiting for the group-commit writer, validated already; its caller awaits <see cref="Completion"/>.</summary>
internal sealed class PendingAppend(StreamId stream, ExpectedVersion expected, IReadOnlyList<EventData> events, string[] metadata, CancellationToken cancellation, string conflictSource = AppendMetrics.Append)
{
    /// <summary>What a version conflict of this append is counted as (<see cref="AppendMetrics.CommandRace"/> for a lock-free command).</summary>
    public string ConflictSource { get; } = conflictSource;

    public StreamId Stream { get; } = stream;

    public ExpectedVersion Expected { get; } = expected;

    public IReadOnlyList<EventData> Events { get; } = events;

    /// <summary>Each event's metadata as JSON, from the validator.</summary>
    public string[] Metadata { get; } = metadata;

    /// <summary>Honoured until the writer takes the append; once it is in a transaction, its outcome is delivered.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    public long Started { get; } = AppendMetrics.Start();

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
