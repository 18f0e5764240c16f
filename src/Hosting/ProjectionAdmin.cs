using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Projections;
using Serverless.EventSourcing.Postgres.EventStore;
using Serverless.EventSourcing.Postgres.Projections;

namespace Serverless.EventSourcing.Hosting;

/// <summary>The application's projection port over the PostgreSQL projection machinery.</summary>
internal sealed class ProjectionAdmin(ProjectionDispatcher dispatcher, ProjectionStatus status, ProjectionRebuilder rebuilder, DeadLetters deadLetters, LogHorizon horizon, ProjectionOptions options)
    : IProjectionAdmin, IStatsContributor
{
    public IReadOnlyCollection<string> Names => dispatcher.Projections.Select(p => p.Name).ToList();

    public string Section => "projections";

    public async Task<IReadOnlyList<object>> StatusAsync(string? name, CancellationToken ct) => [.. await status.ReadAsync(name, ct)];

    public Task<bool> StartRebuildAsync(string name, string? category, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        rebuilder.StartAsync(name, new RebuildFilter(category, from, to), ct);

    public async Task<IReadOnlyList<object>> WaitingOnAsync(CancellationToken ct) => [.. await horizon.BlockersAsync(options.HorizonAlert, ct)];

    public async Task<ParkedRetry> SkipParkedAsync(string name, long id, string by, string reason, CancellationToken ct) =>
        await deadLetters.SkipAsync(name, id, by, reason, ct) == RetryOutcome.NotFound ? ParkedRetry.NotFound : ParkedRetry.Applied;

    public async Task<IReadOnlyList<object>> ParkedAsync(string name, int limit, CancellationToken ct) => [.. await deadLetters.ListAsync(name, limit, ct)];

    public async Task<ParkedRetry> RetryParkedAsync(string name, long id, CancellationToken ct) => await deadLetters.RetryAsync(name, id, ct) switch
    {
        RetryOutcome.Applied => ParkedRetry.Applied,
        RetryOutcome.NotFound => ParkedRetry.NotFound,
        _ => ParkedRetry.FailedAgain,
    };

    public async Task<object> CollectAsync(CancellationToken ct) => await status.ReadAsync(null, ct);
}
