using Npgsql;

namespace Serverless.EventSourcing.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder on a free port, started once per test run and
/// removed at exit. <c>POSTGRES_CONNECTION_STRING</c> replaces it with an existing server.
/// When neither works, the run fails: tests of the store never skip.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(durable: false));

    private readonly string? _directory;

    private PostgresServer(string adminConnectionString, string? directory)
    {
        AdminConnectionString = adminConnectionString;
        _directory = directory;
    }

    /// <summary>Connection string to the <c>postgres</c> database with rights to create databases.</summary>
    public string AdminConnectionString { get; }

    public static Task<PostgresServer> GetSharedAsync() => Shared.Value;

    /// <param name="durable">False turns fsync off for fast tests; benchmarks keep server defaults.</param>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        var configured = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresServer(configured, null);
        }

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
        var settings = durable
            ? ""
            : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        var options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB{settings}";
        await ProcessRunner.RunAsync(
            Path.Combine(binDir, "pg_ctl"),
            $"-D {data} -l {Path.Combine(directory, "server.log")} -o \"{options}\" -w -t 60 start",
            asPostgresUser: true,
            TimeSpan.FromMinutes(2));

        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true", directory);
        var stop = ProcessRunner.IsRoot ? $"runuser -u postgres -- {binDir}/pg_ctl" : $"{binDir}/pg_ctl";
        ProcessRunner.CleanUpWhenGone($"{stop} -D {data} -m immediate -w stop >/dev/null 2>&1; rm -rf {directory}");
        return server;
    }

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

    private static string[] PostgresBinDirectories() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).ToArray()
            : [];
}
