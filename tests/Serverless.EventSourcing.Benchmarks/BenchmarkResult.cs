using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Benchmarks;

/// <summary>One row of the report; field names are the JSON contract the README quotes.</summary>
public sealed record BenchmarkResult(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("concurrency")] int Concurrency,
    [property: JsonPropertyName("events_per_s")] double? EventsPerSecond,
    [property: JsonPropertyName("p50_ms")] double? P50Ms,
    [property: JsonPropertyName("p99_ms")] double? P99Ms,
    [property: JsonPropertyName("baseline_events_per_s")] double? BaselineEventsPerSecond = null,
    [property: JsonPropertyName("note")] string? Note = null)
{
    /// <summary>The same row shape inserted by pgbench at the same concurrency (append rows only): the physical limit.</summary>
    [JsonPropertyName("pgbench_events_per_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PgbenchEventsPerSecond { get; init; }

    [JsonPropertyName("pgbench_p99_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PgbenchP99Ms { get; init; }

    /// <summary>Transactions committed per second during the row's run (<c>pg_stat_database</c>): events/s over this is the coalescing factor.</summary>
    [JsonPropertyName("commits_per_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CommitsPerSecond { get; init; }

    /// <summary>Transactions committed per second while nothing was written (<c>live-fanout</c>): what idle subscribers cost the database.</summary>
    [JsonPropertyName("idle_commits_per_s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? IdleCommitsPerSecond { get; init; }

    /// <summary>Append P50 beside a row whose P50/P99 measure something else (<c>live-fanout</c>: delivery).</summary>
    [JsonPropertyName("append_p50_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? AppendP50Ms { get; init; }

    /// <summary>The benchmark process's working set after a collection, API and clients together (an upper bound for the API).</summary>
    [JsonPropertyName("working_set_mb")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WorkingSetMb { get; init; }

    /// <summary>Subscribers that got every event once and in order (<c>live-fanout</c>; equals the concurrency when all did).</summary>
    [JsonPropertyName("subscribers_complete")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SubscribersComplete { get; init; }

    /// <summary>Size of <c>es_events</c> with its indexes and TOAST when the row was measured (<c>archive</c>).</summary>
    [JsonPropertyName("es_events_mb")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EsEventsMb { get; init; }

    /// <summary>Commands refused with 409 (only the HTTP scenarios count them).</summary>
    [JsonPropertyName("conflicts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Conflicts { get; init; }
}
