using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.Snapshots;
using StackExchange.Redis;

namespace Serverless.EventSourcing.Redis;

/// <summary>
/// Snapshots in Redis. Never fails a caller: when Redis is down, slow or not yet connected, calls return
/// at once (or after <see cref="RedisCacheOptions.OperationTimeout"/>) as a miss. The multiplexer
/// reconnects by itself; an outage (a lost connection or a Redis error) is logged once when it starts and once
/// when it ends. A slow call is only a miss: on a busy machine single calls miss the deadline while Redis is
/// healthy, and treating that as an outage made the cache flap. Slow calls are summed up at most once a minute.
/// </summary>
public sealed class RedisSnapshotCache : IAsyncDisposable
{
    private readonly RedisCacheOptions _options;
    private readonly ILogger<RedisSnapshotCache> _logger;
    private readonly Task<ConnectionMultiplexer?> _connecting;
    private int _healthy = 1;
    private int _slowCalls;
    private long _slowReportedAt;

    public RedisSnapshotCache(RedisCacheOptions options, ILogger<RedisSnapshotCache> logger)
    {
        _options = options;
        _logger = logger;
        _connecting = string.IsNullOrWhiteSpace(options.ConnectionString) ? Task.FromResult<ConnectionMultiplexer?>(null) : ConnectAsync();
    }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(_options.ConnectionString);

    /// <summary>True when connected right now (a readiness signal; the service works without it).</summary>
    public bool IsConnected => _connecting.IsCompletedSuccessfully && _connecting.Result is { IsConnected: true };

    public async Task<Snapshot?> GetAsync(string streamId)
    {
        var value = await RunAsync(db => db.StringGetAsync(Key(streamId)), RedisValue.Null);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Snapshot>((string)value!, EventJson.Options);
    }

    public Task SetAsync(Snapshot snapshot) =>
        RunAsync(db => db.StringSetAsync(Key(snapshot.StreamId), JsonSerializer.Serialize(snapshot, EventJson.Options), _options.SnapshotTtl), false);

    public Task RemoveAsync(string streamId) => RunAsync(db => db.KeyDeleteAsync(Key(streamId)), false);

    public async ValueTask DisposeAsync()
    {
        if (await _connecting is { } mux)
        {
            await mux.CloseAsync(allowCommandsToComplete: false);
            mux.Dispose();
        }
    }

    private string Key(string streamId) => _options.KeyPrefix + streamId;

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation, T miss)
    {
        if (!_connecting.IsCompletedSuccessfully || _connecting.Result is not { } mux)
        {
            return miss;
        }

        if (!mux.IsConnected)
        {
            MarkDown(null);
            return miss;
        }

        try
        {
            var result = await operation(mux.GetDatabase()).WaitAsync(_options.OperationTimeout);
            MarkUp();
            return result;
        }
        catch (TimeoutException)
        {
            NoteSlowCall();
            return miss;
        }
        catch (RedisException ex)
        {
            MarkDown(ex);
            return miss;
        }
    }

    private async Task<ConnectionMultiplexer?> ConnectAsync()
    {
        var configuration = ConfigurationOptions.Parse(_options.ConnectionString);
        configuration.AbortOnConnectFail = false;
        try
        {
            var mux = await ConnectionMultiplexer.ConnectAsync(configuration);
            mux.ConnectionFailed += (_, e) => MarkDown(e.Exception);
            mux.ConnectionRestored += (_, _) => MarkUp();
            return mux;
        }
        catch (RedisException ex)
        {
            _logger.LogWarning(ex, "Redis snapshot cache disabled: could not configure a connection");
            return null;
        }
    }

    private void NoteSlowCall()
    {
        Interlocked.Increment(ref _slowCalls);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _slowReportedAt);
        if (now - last >= 60_000 && Interlocked.CompareExchange(ref _slowReportedAt, now, last) == last)
        {
            _logger.LogInformation("{Count} Redis cache calls took over {Timeout} ms in the last minute and were served from PostgreSQL",
                Interlocked.Exchange(ref _slowCalls, 0), _options.OperationTimeout.TotalMilliseconds);
        }
    }

    private void MarkDown(Exception? ex)
    {
        if (Interlocked.Exchange(ref _healthy, 0) == 1)
        {
            _logger.LogWarning(ex, "Redis snapshot cache unavailable; loading snapshots from PostgreSQL until it is back");
        }
    }

    private void MarkUp()
    {
        if (Interlocked.Exchange(ref _healthy, 1) == 0)
        {
            _logger.LogInformation("Redis snapshot cache is back");
        }
    }
}
