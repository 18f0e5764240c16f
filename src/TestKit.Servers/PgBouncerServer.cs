using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// A throwaway PgBouncer (Debian's <c>pgbouncer</c>, 1.18 here) in <b>transaction</b> mode in front of a test cluster,
/// as Azure's built-in pooler runs: server connections are shared between clients transaction by transaction, so
/// session state (prepared statements, <c>SET</c>, <c>LISTEN</c>) does not follow a client. Any database name is
/// forwarded to the cluster.
/// </summary>
public sealed class PgBouncerServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private PgBouncerServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <param name="upstream">A connection string of the cluster to pool (its host and port are used).</param>
    public static async Task<PgBouncerServer> StartAsync(string upstream)
    {
        var executable = ProcessRunner.FindExecutable("pgbouncer", "/usr/sbin", "/usr/bin")
            ?? throw new InvalidOperationException("pgbouncer is not installed; the test command installs it (apt-get install -y pgbouncer).");
        var server = new NpgsqlConnectionStringBuilder(upstream);
        var port = ProcessRunner.FreePort();
        var directory = Path.Combine(Path.GetTempPath(), "es-pgb-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "users.txt"), $"\"{server.Username}\" \"\"\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "pgbouncer.ini"), $"""
            [databases]
            * = host={server.Host} port={server.Port}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {directory}/users.txt
            pool_mode = transaction
            max_client_conn = 500
            default_pool_size = 20
            ignore_startup_parameters = extra_float_digits,options
            logfile = {directory}/pgbouncer.log
            pidfile = {directory}/pgbouncer.pid
            """);
        if (ProcessRunner.IsRoot)
        {
            // PgBouncer refuses to run as root.
            await ProcessRunner.RunAsync("chown", $"-R postgres {directory}", asPostgresUser: false, TimeSpan.FromSeconds(10));
        }

        var process = ProcessRunner.Start(executable, $"{directory}/pgbouncer.ini", asPostgresUser: true, redirect: true);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessRunner.CleanUpWhenGone($"kill $(cat {directory}/pgbouncer.pid 2>/dev/null) {process.Id} 2>/dev/null; rm -rf {directory}");
        var bouncer = new PgBouncerServer(process, directory, port);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return bouncer;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(directory, "pgbouncer.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "pgbouncer.log")) : "";
                throw new InvalidOperationException($"pgbouncer did not start listening on port {port}: {log}");
            }
        }
    }

    /// <summary><paramref name="connectionString"/> of the cluster, pointed at this pooler instead.</summary>
    public string Through(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    public ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(_directory, "pgbouncer.pid")) && int.TryParse(File.ReadAllText(Path.Combine(_directory, "pgbouncer.pid")).Trim(), out var pid))
            {
                using var daemon = Process.GetProcessById(pid);
                daemon.Kill();
            }
        }
        catch (ArgumentException)
        {
            // Gone already.
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
