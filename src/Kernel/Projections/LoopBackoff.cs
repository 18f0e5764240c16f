namespace Serverless.EventSourcing.Projections;

/// <summary>How long a delivery loop waits after consecutive failures: 0.4 s, doubling, at most 30 s.</summary>
public static class LoopBackoff
{
    public static TimeSpan After(int failures) => TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8))));
}
