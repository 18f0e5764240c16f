using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.EventSourcing.Diagnostics;

/// <summary>
/// The one meter and activity source of the framework, both named <see cref="Name"/>, with every instrument's stable
/// name in one place (README, "Metrics and traces"). Plain System.Diagnostics: hosts choose exporters (OpenTelemetry),
/// the layers that measure need no package. Static because instruments are process-wide in .NET anyway; a process
/// that runs several hosts (tests) sees their measurements summed.
/// </summary>
public static class Telemetry
{
    public const string Name = "Serverless.EventSourcing";

    /// <summary>The tag that carries the request's correlation id on spans.</summary>
    public const string CorrelationIdTag = "es.correlation_id";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    public static Counter<long> EventsAppended { get; } =
        Meter.CreateCounter<long>("es.events.appended", "{event}", "Events committed to the store (idempotent repeats excluded)");

    public static Histogram<double> AppendDuration { get; } =
        Meter.CreateHistogram<double>("es.append.duration", "s", "Time of one append round trip, by outcome (appended, duplicate, conflict, failed)");

    public static Histogram<long> AppendBatchSize { get; } =
        Meter.CreateHistogram<long>("es.append.batch.size", "{append}", "Appends the group-commit writer wrote in one transaction");

    public static Histogram<double> CommandDuration { get; } =
        Meter.CreateHistogram<double>("es.command.duration", "s", "Time of one command, by aggregate, command and outcome");

    public static Counter<long> Conflicts { get; } =
        Meter.CreateCounter<long>("es.concurrency.conflicts", "{conflict}", "Writes refused because the stream was not at the expected version, by source (append, command)");

    public static Counter<long> CommandWriteRaces { get; } =
        Meter.CreateCounter<long>("es.command.write_races", "{command}", "Commands whose lock-free write another writer overtook, decided again under the stream's lock, by aggregate");

    public static Counter<long> IdempotentReplays { get; } =
        Meter.CreateCounter<long>("es.command.idempotent_replays", "{command}", "Commands answered from an earlier result with the same Idempotency-Key");

    public static Counter<long> SagasStarted { get; } = Meter.CreateCounter<long>("es.sagas.started", "{saga}", "Sagas started (a repeated start is not counted)");

    public static Counter<long> SagasCompleted { get; } = Meter.CreateCounter<long>("es.sagas.completed", "{saga}", "Sagas that completed");

    public static Counter<long> SagasCompensated { get; } = Meter.CreateCounter<long>("es.sagas.compensated", "{saga}", "Sagas that were compensated");

    public static Histogram<double> SagaDuration { get; } =
        Meter.CreateHistogram<double>("es.saga.duration", "s", "From SagaStarted to the saga's end, by saga and outcome (completed, compensated, needs_attention)");

    public static Counter<long> JobRuns { get; } = Meter.CreateCounter<long>("es.jobs.runs", "{run}", "Maintenance job runs, by job and result (completed, partial, skipped, failed)");

    public static UpDownCounter<long> LiveSubscribers { get; } =
        Meter.CreateUpDownCounter<long>("es.live.subscribers", "{subscriber}", "Open live subscriptions (SSE and WebSocket), by feed (stream, log)");

    public static Counter<long> LiveClosed { get; } =
        Meter.CreateCounter<long>("es.live.closed", "{subscriber}", "Live subscriptions ended, by reason (client, overflow, stalled, max_duration, deleted, shutdown)");

    public static Counter<long> LiveReads { get; } =
        Meter.CreateCounter<long>("es.live.log_reads", "{read}", "Database reads for live subscribers, by reader: shared (the instance's one log reader) or catch_up (a subscriber behind the in-memory window)");

    public static Counter<long> RateLimited { get; } =
        Meter.CreateCounter<long>("es.rate_limit.rejections", "{request}", "Requests refused with 429, by limit (client, global)");

    private static volatile IReadOnlyList<ProjectionSample> _projections = [];

    static Telemetry()
    {
        Meter.CreateObservableGauge("es.projection.lag.events", () => _projections.Select(p => new Measurement<long>(p.LagEvents, Projection(p))), "{event}", "Events the projection has yet to apply");
        Meter.CreateObservableGauge("es.projection.lag.seconds", () => _projections.Select(p => new Measurement<double>(p.LagSeconds, Projection(p))), "s", "Age of the oldest event the projection has yet to apply");
        Meter.CreateObservableGauge("es.projection.parked", () => _projections.Select(p => new Measurement<long>(p.Parked, Projection(p))), "{event}", "Events parked for the projection");
    }

    /// <summary>The latest projection status, read by a sampler: a gauge callback must never query the database.</summary>
    public static void ReportProjections(IReadOnlyList<ProjectionSample> samples) => _projections = samples ?? [];

    private static KeyValuePair<string, object?> Projection(ProjectionSample sample) => new("projection", sample.Name);
}

public sealed record ProjectionSample(string Name, long LagEvents, double LagSeconds, long Parked);
