using System.Diagnostics;
using System.Net.Sockets;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// A throwaway <c>redis-server</c> on a free port (no persistence). It can be killed and started
/// again on the same port to test outages. <c>REDIS_CONNECTION_STRING</c> replaces it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly Lazy<Task<RedisServer>> Shared = new(StartAsync);

    private readonly string? _executable;
    private Process? _process;

    private RedisServer(string connectionString, string? executable, int port)
    {
        ConnectionString = connectionString;
        _executable = executable;
        Port = port;
    }

    public string ConnectionString { get; }

    public int Port { get; }

    public bool CanBeStopped => _executable is not null;

    public static Task<RedisServer> GetSharedAsync() => Shared.Value;

    /// <summary>A server of its own, for tests that kill it.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("REDIS_CONNECTION_STRING");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new RedisServer(configured, null, 0);
        }

        var executable = ProcessRunner.FindExecutable("redis-server", "/usr/bin", "/usr/local/bin")
            ?? throw new InvalidOperationException(
                "redis-server is not installed and REDIS_CONNECTION_STRING is not set; install it with 'apt-get install -y redis-server'.");
        var port = ProcessRunner.FreePort();
        var server = new RedisServer($"127.0.0.1:{port},abortConnect=false,connectTimeout=1000,syncTimeout=1000", executable, port);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server abruptly, as a crash or network loss would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public Task RestartAsync() => _process is null ? StartProcessAsync() : Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        if (_executable is null)
        {
            throw new InvalidOperationException("An external Redis (REDIS_CONNECTION_STRING) cannot be restarted by the tests.");
        }

        _process = ProcessRunner.Start(_executable, $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no", asPostgresUser: false, redirect: true);
        // Drain output so a chatty server never blocks on a full pipe.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        ProcessRunner.CleanUpWhenGone($"kill {_process.Id} 2>/dev/null");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not start listening on port {Port}.");
    }
}
