namespace Serverless.EventSourcing.Redis;

public sealed record RedisCacheOptions
{
    /// <summary>StackExchange.Redis configuration string; empty disables the cache.</summary>
    public string ConnectionString { get; init; } = "";

    public TimeSpan SnapshotTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The most a cache call may add to a load before we fall back to PostgreSQL.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(25);

    public string KeyPrefix { get; init; } = "es:snapshot:";
}
