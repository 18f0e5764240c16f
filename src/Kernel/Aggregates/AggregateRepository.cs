using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Aggregates;

/// <summary>Loads aggregates from the latest usable snapshot plus the events after it, optionally as of a version or time.</summary>
public sealed class AggregateRepository(IEventStore store, ISnapshotStore snapshots, EventTypeRegistry events, ILogger<AggregateRepository> logger)
{
    public async Task<LoadedAggregate> LoadAsync(IAggregateDefinition definition, StreamId stream, long? asOfVersion = null, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (asOfVersion is < 0)
        {
            throw new InvalidInputException("asOfVersion", "must be 0 or more");
        }

        var info = await store.GetStreamAsync(stream, ct);
        if (info is null)
        {
            return new LoadedAggregate(definition, stream.Value, definition.Initial, 0, 0, null, false);
        }

        var target = asOfVersion is { } v ? Math.Min(v, info.Version) : info.Version;
        if (asOf is { } time)
        {
            target = Math.Min(target, await store.GetVersionAtAsync(stream, time, ct));
        }

        var snapshot = definition.Snapshots && target > 0 ? await snapshots.LoadAsync(stream, definition.StateSchemaVersion, target, ct) : null;
        var (state, from, takenAt) = StartFrom(definition, stream, snapshot);

        var version = from;
        if (target > from)
        {
            foreach (var stored in await store.ReadForFoldAsync(stream, from, target, ct))
            {
                state = definition.Apply(state, events.Deserialize(stored));
                version = stored.StreamVersion;
            }
        }

        return new LoadedAggregate(definition, stream.Value, state, version, from, takenAt, info.IsDeleted);
    }

    /// <summary>
    /// The state a command decides on, from what its locked write read: the snapshot and the events after it. An
    /// unreadable snapshot is skipped and the events before it are read (the lock still holds, so they are exact).
    /// </summary>
    public async Task<LoadedAggregate> LoadForWriteAsync(IAggregateDefinition definition, StreamId stream, Commands.ICommandWrite write, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(write);
        var (state, from, takenAt) = StartFrom(definition, stream, write.Snapshot);
        IReadOnlyList<StoredEvent> before = write.Snapshot is { } unusable && from == 0
            ? await store.ReadForFoldAsync(stream, 0, unusable.Version, ct)
            : [];

        var version = from;
        foreach (var stored in before.Concat(write.Events))
        {
            state = definition.Apply(state, events.Deserialize(stored));
            version = stored.StreamVersion;
        }

        return new LoadedAggregate(definition, stream.Value, state, version, from, takenAt, write.IsDeleted);
    }

    /// <summary>
    /// The state to fold on from: the snapshot's, or the initial state (version 0) without one. A snapshot we cannot read
    /// is only a cache: the load goes on from the events instead of failing.
    /// </summary>
    private (object State, long From, DateTimeOffset? TakenAt) StartFrom(IAggregateDefinition definition, StreamId stream, Snapshot? snapshot)
    {
        if (snapshot is null)
        {
            return (definition.Initial, 0, null);
        }

        try
        {
            return (definition.DeserializeState(snapshot.State), snapshot.Version, snapshot.TakenAt);
        }
        catch (System.Text.Json.JsonException ex)
        {
            logger.LogWarning(ex, "Ignoring unreadable snapshot of {StreamId} at version {Version}", stream.Value, snapshot.Version);
            return (definition.Initial, 0, null);
        }
    }

    /// <summary>Folds freshly decided events onto a loaded state (after a successful append).</summary>
    public static object Fold(IAggregateDefinition definition, object state, IEnumerable<object> newEvents) =>
        newEvents.Aggregate(state, definition.Apply);
}
