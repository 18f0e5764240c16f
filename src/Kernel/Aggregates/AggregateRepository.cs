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

        var state = definition.Initial;
        long from = 0;
        DateTimeOffset? takenAt = null;
        if (definition.Snapshots && target > 0 && await snapshots.LoadAsync(stream, definition.StateSchemaVersion, target, ct) is { } snapshot)
        {
            try
            {
                state = definition.DeserializeState(snapshot.State);
                from = snapshot.Version;
                takenAt = snapshot.TakenAt;
            }
            catch (System.Text.Json.JsonException ex)
            {
                // A snapshot we cannot read is only a cache: rebuild from events instead of failing the load.
                logger.LogWarning(ex, "Ignoring unreadable snapshot of {StreamId} at version {Version}", stream.Value, snapshot.Version);
            }
        }

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
        var state = definition.Initial;
        long from = 0;
        DateTimeOffset? takenAt = null;
        IReadOnlyList<StoredEvent> before = [];
        if (write.Snapshot is { } snapshot)
        {
            try
            {
                state = definition.DeserializeState(snapshot.State);
                from = snapshot.Version;
                takenAt = snapshot.TakenAt;
            }
            catch (System.Text.Json.JsonException ex)
            {
                logger.LogWarning(ex, "Ignoring unreadable snapshot of {StreamId} at version {Version}", stream.Value, snapshot.Version);
                before = await store.ReadForFoldAsync(stream, 0, snapshot.Version, ct);
            }
        }

        var version = from;
        foreach (var stored in before.Concat(write.Events))
        {
            state = definition.Apply(state, events.Deserialize(stored));
            version = stored.StreamVersion;
        }

        return new LoadedAggregate(definition, stream.Value, state, version, from, takenAt, write.IsDeleted);
    }

    /// <summary>Folds freshly decided events onto a loaded state (after a successful append).</summary>
    public static object Fold(IAggregateDefinition definition, object state, IEnumerable<object> newEvents) =>
        newEvents.Aggregate(state, definition.Apply);
}
