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

    /// <summary>Set before the first database: the cluster preloads pg_wait_sampling and pg_stat_statements (<c>--wait-events</c>).</summary>
    public static bool SampleWaits { get; set; }

    public NpgsqlDataSource DataSource { get; }

    /// <param name="maxAutoPrepare">The <c>Postgres:MaxAutoPrepare</c> setting to measure with (the product's default unless given).</param>
    public static async Task<BenchmarkDatabase> CreateAsync(int maxAutoPrepare = Hosting.EventSourcingSettings.DefaultMaxAutoPrepare)
    {
        _server ??= await PostgresServer.StartAsync(durable: true, SampleWaits ? WaitProfile.ServerSettings : "");
        var connectionString = await _server.CreateDatabaseAsync("es_bench");
        // The product's own data source settings, so figures are what users get.
        var dataSource = Postgres.PostgresDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 200 }.ConnectionString, maxAutoPrepare: maxAutoPrepare);
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
        // Backends report their counts at most once a second, and at exit: close the pool's connections so they do.
        DataSource.Clear();
        await Task.Delay(300);
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
