namespace Serverless.EventSourcing;

/// <summary>
/// Recognises failures that mean a dependency cannot be reached right now (down, restarting, out of connections),
/// as opposed to a bug. The API answers them 503 with Retry-After instead of 500. Each store knows its own client's
/// errors (by exception type and error code, never by message text), so the host-agnostic dispatcher needs no driver.
/// </summary>
public interface IOutageDetector
{
    /// <returns>What is unavailable and why, or null when <paramref name="error"/> is not an outage of this dependency.</returns>
    DependencyOutage? Detect(Exception error);
}

/// <param name="Dependency">For logs and the problem detail, e.g. "PostgreSQL".</param>
/// <param name="Reason">For logs only (it may name hosts and ports): the error that showed the outage.</param>
public sealed record DependencyOutage(string Dependency, string Reason);
