namespace Serverless.EventSourcing.Application.Health;

/// <summary>One dependency or background loop that <c>/api/ready</c> reports on.</summary>
public interface IReadinessCheck
{
    string Name { get; }

    /// <summary>False makes readiness fail (503); optional dependencies (Redis) report but never fail it.</summary>
    bool Required { get; }

    Task<ReadinessResult> CheckAsync(CancellationToken ct);
}

public sealed record ReadinessResult(bool Healthy, string Detail);

/// <summary>A section of <c>/api/stats</c>.</summary>
public interface IStatsContributor
{
    string Section { get; }

    Task<object> CollectAsync(CancellationToken ct);
}
