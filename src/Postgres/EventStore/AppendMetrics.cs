using System.Diagnostics;
using Serverless.EventSourcing.Diagnostics;
using Serverless.EventSourcing.Store;

namespace Serverless.EventSourcing.Postgres.EventStore;

/// <summary>
/// What every append path records (raw appends, appends in a caller's transaction, command commits): the round trip's
/// duration by outcome, the events it committed, and a refusal for the expected version.
/// </summary>
internal static class AppendMetrics
{
    public static long Start() => Stopwatch.GetTimestamp();

    /// <param name="committed">False inside a caller's transaction: its events are counted when it commits (<see cref="Committed"/>).</param>
    public static void Succeeded(long started, AppendResult result, int count, bool committed)
    {
        Record(started, result.WasDuplicate ? "duplicate" : "appended");
        if (committed && !result.WasDuplicate)
        {
            Committed(count);
        }
    }

    /// <summary>The conflict source of a refused append (raw, or a command under its lock).</summary>
    public const string Append = "append";

    /// <summary>The conflict source of a lock-free command's append that another writer overtook: no caller is refused.</summary>
    public const string CommandRace = "command_race";

    /// <param name="source">The <c>source</c> a version conflict is counted under.</param>
    public static void Failed(long started, Exception error, string source = Append)
    {
        var conflict = error is WrongExpectedVersionException;
        Record(started, conflict ? "conflict" : "failed");
        if (conflict)
        {
            Telemetry.Conflicts.Add(1, new KeyValuePair<string, object?>("source", source));
        }
    }

    public static void Committed(int count) => Telemetry.EventsAppended.Add(count);

    private static void Record(long started, string outcome) =>
        Telemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
