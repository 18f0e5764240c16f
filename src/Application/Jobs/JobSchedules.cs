namespace Serverless.EventSourcing.Application.Jobs;

/// <summary>
/// The settings holding the 6-field NCRONTAB schedules of the timed work. Functions timers bind them as
/// <c>%Setting%</c>; the local host's scheduler reads the same keys. Constants, so trigger attributes can use them.
/// </summary>
public static class JobSchedules
{
    public const string Snapshot = "Schedules:Snapshot";
    public const string Cleanup = "Schedules:Cleanup";

    /// <summary>Moves untouched streams' events to Blob Storage (README "Retention and archiving").</summary>
    public const string Archive = "Schedules:Archive";

    /// <summary>Azure only: the relay from the log to Kafka (the local host reads the log itself).</summary>
    public const string Relay = "Schedules:Relay";

    /// <summary>Azure only: steps projection rebuilds (the local host drives them continuously in the background).</summary>
    public const string Rebuild = "Schedules:Rebuild";

    /// <summary>The maintenance jobs both hosts schedule.</summary>
    public static IReadOnlyList<string> Maintenance { get; } = [Snapshot, Cleanup, Archive];
}
