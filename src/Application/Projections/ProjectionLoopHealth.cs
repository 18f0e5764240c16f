using System.Collections.Concurrent;
using Serverless.EventSourcing.Application.Health;

namespace Serverless.EventSourcing.Application.Projections;

/// <summary>
/// Heartbeats of the local catch-up loops. Readiness fails when a loop stops beating (crashed or
/// wedged), so a dead projection loop cannot hide behind a green health check.
/// </summary>
public sealed class ProjectionLoopHealth(TimeProvider time) : IReadinessCheck
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, string? Error)> _beats = new();

    public TimeSpan MaxSilence { get; init; } = TimeSpan.FromSeconds(30);

    public string Name => "projection-loops";

    public bool Required => true;

    public void Expect(string projection) => _beats.TryAdd(projection, (time.GetUtcNow(), null));

    public void Beat(string projection, string? error = null) => _beats[projection] = (time.GetUtcNow(), error);

    public Task<ReadinessResult> CheckAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var silent = _beats.Where(b => now - b.Value.At > MaxSilence).Select(b => b.Key).ToList();
        var failing = _beats.Where(b => b.Value.Error is not null).Select(b => $"{b.Key}: {b.Value.Error}").ToList();
        return Task.FromResult(silent.Count == 0 && failing.Count == 0
            ? new ReadinessResult(true, $"{_beats.Count} loops beating")
            : new ReadinessResult(false, string.Join("; ", silent.Select(s => $"{s}: no heartbeat for over {MaxSilence.TotalSeconds:0} s").Concat(failing))));
    }
}
