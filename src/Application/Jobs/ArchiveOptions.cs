namespace Serverless.EventSourcing.Application.Jobs;

/// <summary>What the archive job moves to Blob Storage (settings <c>Archive:*</c>). No categories: it archives nothing.</summary>
public sealed record ArchiveOptions
{
    /// <summary>Categories whose streams are archived once untouched for <see cref="UntouchedFor"/>.</summary>
    public IReadOnlySet<string> Categories { get; init; } = new HashSet<string>();

    public TimeSpan UntouchedFor { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Most events in one segment (one blob); a longer stream is archived in several.</summary>
    public int SegmentEvents { get; init; } = 10_000;

    /// <summary>
    /// How long a run waits for the log horizon to pass rows it is about to archive (an open append holds the horizon
    /// back; it can also lag a committed row for a moment). Past it the run stops as <c>partial</c>, the next one goes on.
    /// </summary>
    public TimeSpan HorizonWait { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The points of an archive run a crash can interrupt; tests stop a run at each.</summary>
public enum ArchiveStep
{
    BeforeUpload,
    AfterUpload,
    AfterVerify,

    /// <summary>Inside the transaction, after the rows were deleted and the manifest row written, before commit.</summary>
    BeforeCommit,
    AfterCommit,
}
