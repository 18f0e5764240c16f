namespace Serverless.EventSourcing.Aggregates;

/// <param name="Version">The stream version the state reflects (0 when the stream does not exist).</param>
/// <param name="SnapshotVersion">Version of the snapshot the load started from (0 when none was used).</param>
/// <param name="SnapshotTakenAt">When that snapshot was taken, for time-based snapshot policies.</param>
public sealed record LoadedAggregate(
    IAggregateDefinition Definition,
    string StreamId,
    object State,
    long Version,
    long SnapshotVersion,
    DateTimeOffset? SnapshotTakenAt,
    bool IsDeleted)
{
    public bool Exists => Version > 0;

    /// <summary>This state as a snapshot of the definition's current state schema.</summary>
    public Snapshots.Snapshot ToSnapshot(DateTimeOffset takenAt) =>
        new(StreamId, Version, Definition.StateSchemaVersion, Definition.SerializeState(State), takenAt);
}
