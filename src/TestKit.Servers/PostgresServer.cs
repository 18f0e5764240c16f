using Npgsql;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder on a free port, started once per test run and
/// removed at exit. <c>POSTGRES_CONNECTION_STRING</c> replaces it with an existing server.
/// When neither works, the run fails: tests of the store never skip.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(durable: false));

    private readonly string? _directory;
    private readonly string? _pgCtl;
    private readonly string? _options;

    private PostgresServer(string adminConnectionString, string? directory, string? pgCtl = null, string? options = null)
    {
        AdminConnectionString = adminConnectionString;
        _directory = directory;
        _pgCtl = pgCtl;
        _options = options;
    }

    /// <summary>Connection string to the <c>postgres</c> database with rights to create databases.</summary>
    public string AdminConnectionString { get; }

    public static Task<PostgresServer> GetSharedAsync() => Shared.Value;

    private string PgCtl => _pgCtl ?? throw new InvalidOperationException("This server was not started by the tests; it cannot be stopped or started.");

    private string DataDirectory => Path.Combine(_directory!, "data");

    /// <param name="durable">False turns fsync off for fast tests; benchmarks keep server defaults.</param>
    /// <param name="settings">More server options for a cluster of our own (" -c name=value …"), such as preloaded libraries.</param>
    public static Task<PostgresServer> StartAsync(bool durable, string settings = "")
    {
        var configured = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING");
        return string.IsNullOrWhiteSpace(configured)
            ? StartClusterAsync((durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off") + settings)
            : Task.FromResult(new PostgresServer(configured, null));
    }

    /// <summary>
    /// A cluster of the caller's own, even when <c>POSTGRES_CONNECTION_STRING</c> names a server: for tests that stop
    /// and start the server (<see cref="StopImmediatelyAsync"/>, <see cref="StartAgainAsync"/>), which must never
    /// happen to a server other tests share.
    /// </summary>
    /// <remarks>
    /// A commit must survive the server being killed, so <c>synchronous_commit</c> stays on (with it off, an
    /// acknowledged commit can still sit in WAL buffers that an immediate stop throws away); <c>fsync</c> may stay off,
    /// since the operating system does not crash and keeps what was written.
    /// </remarks>
    public static Task<PostgresServer> StartOwnAsync() => StartClusterAsync(" -c fsync=off -c full_page_writes=off");

    private static async Task<PostgresServer> StartClusterAsync(string settings)
    {
        var initdb = ProcessRunner.FindExecutable("initdb", PostgresBinDirectories())
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) are not on PATH and POSTGRES_CONNECTION_STRING is not set; the tests need a real server.");
        var binDir = Path.GetDirectoryName(initdb)!;
        var directory = Path.Combine(Path.GetTempPath(), "es-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (ProcessRunner.IsRoot)
        {
            await ProcessRunner.RunAsync("chown", $"postgres {directory}", asPostgresUser: false, TimeSpan.FromSeconds(10));
        }

        var data = Path.Combine(directory, "data");
        var port = ProcessRunner.FreePort();
        await ProcessRunner.RunAsync(initdb, $"-D {data} -U postgres -A trust -E UTF8 --no-sync", asPostgresUser: true, TimeSpan.FromMinutes(2));
        // max_prepared_transactions: a prepared append is how the log-horizon tests hold an xid whose owner pg_locks cannot name.
        var options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c max_prepared_transactions=8{settings}";
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true", directory, Path.Combine(binDir, "pg_ctl"), options);
        await server.StartAgainAsync();

        var stop = ProcessRunner.IsRoot ? $"runuser -u postgres -- {binDir}/pg_ctl" : $"{binDir}/pg_ctl";
        ProcessRunner.CleanUpWhenGone($"{stop} -D {data} -m immediate -w stop >/dev/null 2>&1; rm -rf {directory}");
        return server;
    }

    /// <summary>Stops the server as a crash would (<c>pg_ctl -m immediate</c>): connections drop, nothing is flushed politely.</summary>
    public Task StopImmediatelyAsync() =>
        ProcessRunner.RunAsync(PgCtl, $"-D {DataDirectory} -m immediate -w stop", asPostgresUser: true, TimeSpan.FromMinutes(1));

    /// <summary>Starts the server on the same port and data folder (after a crash it recovers from the WAL first).</summary>
    public Task StartAgainAsync() =>
        ProcessRunner.RunAsync(
            PgCtl,
            $"-D {DataDirectory} -l {Path.Combine(_directory!, "server.log")} -o \"{_options}\" -w -t 60 start",
            asPostgresUser: true,
            TimeSpan.FromMinutes(2));

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "es_test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (_directory is null || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            var pgCtl = ProcessRunner.FindExecutable("pg_ctl", PostgresBinDirectories()) ?? "pg_ctl";
            using var stop = ProcessRunner.Start(pgCtl, $"-D {Path.Combine(_directory, "data")} -m immediate -w stop", asPostgresUser: true, redirect: true);
            stop.WaitForExit(30_000);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>
    /// The whole database as <c>pg_dump</c> writes it (schema and every row, as plain SQL): what a backup would hold,
    /// for tests that search it for what must not be there.
    /// </summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = ProcessRunner.FindExecutable("pg_dump", PostgresBinDirectories()) ?? throw new InvalidOperationException("pg_dump is not installed.");
        var start = new System.Diagnostics.ProcessStartInfo(pgDump)
        {
            ArgumentList = { "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username ?? "postgres", "--no-owner", builder.Database! },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var dump = System.Diagnostics.Process.Start(start)!;
        var output = dump.StandardOutput.ReadToEndAsync();
        var errors = dump.StandardError.ReadToEndAsync();
        await dump.WaitForExitAsync();
        return dump.ExitCode == 0 ? await output : throw new InvalidOperationException($"pg_dump failed: {await errors}");
    }

    private static string[] PostgresBinDirectories() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).ToArray()
            : [];
}
