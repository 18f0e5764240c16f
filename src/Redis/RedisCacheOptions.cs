namespace Serverless.EventSourcing.Redis;

public sealed record RedisCacheOptions
{
    /// <summary>StackExchange.Redis configuration string; empty disables the cache.</summary>
    public string ConnectionString { get; init; } = "";

    public TimeSpan SnapshotTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most a cache call may add to a load before we fall back to PostgreSQL. Generous enough that a healthy Redis
    /// on a busy machine answers within it (25 ms missed hundreds of times under load), short enough not to hurt.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    public string KeyPrefix { get; init; } = "es:snapshot:";
}
