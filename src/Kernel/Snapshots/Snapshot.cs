namespace Serverless.EventSourcing.Snapshots;

/// <summary>An aggregate's state as of <see cref="Version"/>, serialized as JSON.</summary>
/// <param name="SchemaVersion">The state shape's version; a load ignores snapshots of another version.</param>
public sealed record Snapshot(string StreamId, long Version, int SchemaVersion, string State, DateTimeOffset TakenAt);
