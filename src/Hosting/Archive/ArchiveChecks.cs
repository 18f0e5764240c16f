using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Aggregates;
using Serverless.EventSourcing.Application.Health;
using Serverless.EventSourcing.Application.Retention;
using Serverless.EventSourcing.Archive;

namespace Serverless.EventSourcing.Hosting.Archive;

/// <summary>
/// Reported, not failing readiness: hot reads and writes work without the archive. While it is away the archive job
/// removes nothing, and reads that need archived events answer 503.
/// </summary>
public sealed class ArchiveReadinessCheck(IArchiveStorage storage) : IReadinessCheck
{
    public string Name => "archive";

    public bool Required => false;

    public async Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        try
        {
            await storage.CheckAsync(ct);
            return new ReadinessResult(true, "reachable");
        }
        catch (ArchiveUnavailableException ex)
        {
            return new ReadinessResult(false, $"unavailable ({ex.Message}); the archive job removes nothing and reads of archived events answer 503");
        }
    }
}

/// <summary>Stops the host when a category's retention setting or the archive's categories would break an aggregate or a projection's rebuild.</summary>
internal sealed class CheckRetentionOnStartup(ArchiveSettings settings, RetentionGuard guard, AggregateRegistry aggregates) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (category, policy) in settings.Retention.Categories)
        {
            if (guard.Refusal(category, policy) is { } refusal)
            {
                throw new InvalidOperationException($"Settings Retention:Categories:{category}:* are refused: {refusal}");
            }
        }

        foreach (var category in settings.Options.Categories)
        {
            if (aggregates.TryGet(category, out var aggregate) && !aggregate.Snapshots)
            {
                throw new InvalidOperationException(
                    $"Setting Archive:Categories names '{category}', an aggregate that takes no snapshots: its loads would need the archive on every command. Enable its snapshots or leave it out.");
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
