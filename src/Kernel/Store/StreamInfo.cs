using Serverless.EventSourcing.Retention;

namespace Serverless.EventSourcing.Store;

public sealed record StreamInfo(string StreamId, string Category, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeletedAt)
{
    public bool IsDeleted => DeletedAt is not null;

    /// <summary>The stream's own retention policy (its category's fills the fields it leaves null).</summary>
    public StreamPolicy Policy { get; init; } = StreamPolicy.None;

    /// <summary>Events up to this version were moved to the archive (0: none); reads fetch them from there.</summary>
    public long ArchivedVersion { get; init; }

    /// <summary>The newest snapshot's version (0: none).</summary>
    public long SnapshotVersion { get; init; }
}
