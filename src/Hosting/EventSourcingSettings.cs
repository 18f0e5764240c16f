using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Redis;
using Serverless.EventSourcing.Snapshots;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// Every setting either host reads, by its configuration key (app settings use <c>__</c> for <c>:</c>).
/// The keys are those of <c>local.settings.sample.json</c>; the Bicep drift test keeps Azure in step.
/// </summary>
public sealed record EventSourcingSettings
{
    public required string PostgresConnectionString { get; init; }

    public bool PostgresUseEntraAuthentication { get; init; }

    /// <summary>Npgsql auto-prepare: how many statements each connection keeps prepared (0 = off).</summary>
    public int PostgresMaxAutoPrepare { get; init; } = DefaultMaxAutoPrepare;

    /// <summary>
    /// Prepared statements on by default: unprepared, PostgreSQL spent about half its CPU parsing and planning. Safe on a
    /// direct connection and through PgBouncer 1.21+ with max_prepared_statements above it (Bicep sets 200); 0 turns it off.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 50;

    /// <summary>
    /// Connections this instance may hold (requests and background work share them); beyond it requests queue for a
    /// free one up to the connection string's <c>Timeout</c>. Instances × this must fit the server: README, "Connections".
    /// </summary>
    public int PostgresMaxPoolSize { get; init; } = DefaultPostgresMaxPoolSize;

    /// <summary>Well below PostgreSQL's default max_connections (100) and Npgsql's default pool (also 100).</summary>
    public const int DefaultPostgresMaxPoolSize = 20;

    public required RedisCacheOptions Redis { get; init; }

    public required ApiOptions Api { get; init; }

    public required SnapshotPolicy SnapshotPolicy { get; init; }

    public int SnapshotsKeepPerStream { get; init; } = 3;

    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Commands read without the stream lock and append at the version read; false (the default): every command takes the lock (<c>Commands:OptimisticWrites</c>).</summary>
    public bool CommandsOptimisticWrites { get; init; }

    public static EventSourcingSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var everyEvents = Int(configuration, "Snapshots:EveryEvents", 100, min: 0);
        var maxAge = Int(configuration, "Snapshots:MaxAgeSeconds", 0, min: 0);
        return new EventSourcingSettings
        {
            PostgresConnectionString = configuration["Postgres:ConnectionString"] is { Length: > 0 } cs
                ? cs
                : throw new InvalidOperationException("Setting Postgres:ConnectionString (Postgres__ConnectionString) is required."),
            PostgresUseEntraAuthentication = Bool(configuration, "Postgres:UseEntraAuthentication"),
            PostgresMaxAutoPrepare = Int(configuration, "Postgres:MaxAutoPrepare", DefaultMaxAutoPrepare, min: 0),
            PostgresMaxPoolSize = Int(configuration, "Postgres:MaxPoolSize", DefaultPostgresMaxPoolSize, min: 1),
            Redis = new RedisCacheOptions
            {
                ConnectionString = configuration["Redis:ConnectionString"] ?? "",
                SnapshotTtl = TimeSpan.FromSeconds(Int(configuration, "Redis:SnapshotTtlSeconds", 3600, min: 1)),
            },
            Api = new ApiOptions
            {
                Key = configuration["Api:Key"] is { Length: > 0 } key ? key : null,
                MaxBodyBytes = Int(configuration, "Api:MaxBodyBytes", 1024 * 1024, min: 1024),
            },
            SnapshotPolicy = new SnapshotPolicy(everyEvents > 0 ? everyEvents : null, maxAge > 0 ? TimeSpan.FromSeconds(maxAge) : null),
            SnapshotsKeepPerStream = Int(configuration, "Snapshots:KeepPerStream", 3, min: 1),
            IdempotencyKeyLifetime = TimeSpan.FromHours(Int(configuration, "Retention:IdempotencyKeyHours", 24, min: 1)),
            CommandsOptimisticWrites = Bool(configuration, "Commands:OptimisticWrites", fallback: false),
        };
    }

    public static int Int(IConfiguration configuration, string key, int fallback, int min = int.MinValue)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new InvalidOperationException($"Setting {key} must be a whole number of at least {min}, not '{text}'.");
    }

    private static bool Bool(IConfiguration configuration, string key, bool fallback = false) =>
        configuration[key] is { Length: > 0 } text
            ? bool.TryParse(text, out var value) ? value : throw new InvalidOperationException($"Setting {key} must be true or false, not '{text}'.")
            : fallback;
}
