using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Postgres.Schema;
using Serverless.EventSourcing.Samples.Bank;
using Serverless.EventSourcing.TestKit.Servers;

namespace Serverless.EventSourcing.Benchmarks;

/// <summary>
/// A throwaway cluster with the server's default durability (fsync on), so figures mean what they
/// would on a real server; one fresh database per scenario, with the bank sample's read-model tables.
/// </summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    private static PostgresServer? _server;

    private BenchmarkDatabase(string connectionString, NpgsqlDataSource dataSource)
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
    }

    public string ConnectionString { get; }

    /// <summary>Names the benchmark's own connections in <c>pg_stat_activity</c>.</summary>
    private const string ApplicationName = "es-benchmark";

    /// <summary>Set before the first database: the cluster preloads pg_wait_sampling and pg_stat_statements (<c>--wait-events</c>).</summary>
    public static bool SampleWaits { get; set; }

    public NpgsqlDataSource DataSource { get; }

    /// <param name="maxAutoPrepare">The <c>Postgres:MaxAutoPrepare</c> setting to measure with (the product's default unless given).</param>
    public static async Task<BenchmarkDatabase> CreateAsync(int maxAutoPrepare = Hosting.EventSourcingSettings.DefaultMaxAutoPrepare)
    {
        _server ??= await PostgresServer.StartAsync(durable: true, SampleWaits ? WaitProfile.ServerSettings : "");
        var connectionString = await _server.CreateDatabaseAsync("es_bench");
        // The product's own data source settings, so figures are what users get.
        var dataSource = Postgres.PostgresDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 200, ApplicationName = ApplicationName }.ConnectionString, maxAutoPrepare: maxAutoPrepare);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance, DomainModules.MigrationsOf(new BankModule())).MigrateAsync();
        return new BenchmarkDatabase(connectionString, dataSource);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0; // seeding millions of rows takes longer than the default 30 s
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Polls a boolean query until it is true; throws when <paramref name="within"/> passes first.</summary>
    public async Task WaitForAsync(string sql, TimeSpan within)
    {
        for (var deadline = DateTime.UtcNow + within; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            await using var command = DataSource.CreateCommand(sql);
            if (await command.ExecuteScalarAsync() is true)
            {
                return;
            }
        }

        throw new TimeoutException($"Still false after {within.TotalSeconds:0} s: {sql}");
    }

    /// <summary>Transactions committed in this database so far, as <c>pg_stat_database</c> counts them once every backend has reported.</summary>
    public async Task<long> CommitsAsync()
    {
        // A backend reports its counts at most once a second, and when idle only after 10 s. Each of the pool's
        // connections is asked to report now (all of them are held at once, so each is a different one). Closing them
        // instead, to make them report at exit, left the next timed row fresh connections, each preparing its
        // statements and compiling the append function again: append-any at 32 writers then measured 8,510-8,597
        // events/s with P99 16-17 ms, against 12,987-13,940 and 5-6 ms.
        int pooled;
        await using (var count = DataSource.CreateCommand("select count(*)::int from pg_stat_activity where application_name = $1 and datname = current_database()"))
        {
            count.Parameters.AddWithValue(ApplicationName);
            pooled = (int)(await count.ExecuteScalarAsync())!;
        }

        var held = await Task.WhenAll(Enumerable.Range(0, pooled).Select(_ => DataSource.OpenConnectionAsync().AsTask()));
        foreach (var connection in held)
        {
            await using var flush = new NpgsqlCommand("select pg_stat_force_next_flush()", connection);
            await flush.ExecuteNonQueryAsync();
        }

        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }

        await Task.Delay(100);
        await using var command = DataSource.CreateCommand("select xact_commit from pg_stat_database where datname = current_database()");
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.AddWithValue(p);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _server!.DropDatabaseAsync(ConnectionString);
    }

    public static async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
