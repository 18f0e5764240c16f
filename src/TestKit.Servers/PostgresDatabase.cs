using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serverless.EventSourcing.Postgres.Schema;
using Xunit;

namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>A class fixture: a fresh, migrated database of its own on the shared test cluster (or on a given one).</summary>
public class PostgresDatabase : IAsyncLifetime
{
    private readonly Func<Task<PostgresServer>> _getServer;
    private PostgresServer? _server;

    /// <summary>On the shared test cluster (xUnit creates class fixtures with this constructor).</summary>
    public PostgresDatabase()
        : this(PostgresServer.GetSharedAsync)
    {
    }

    private PostgresDatabase(Func<Task<PostgresServer>> server) => _getServer = server;

    /// <summary>A database on another server than the shared one (tests that stop and start it bring their own).</summary>
    public static PostgresDatabase On(Func<Task<PostgresServer>> server) => new(server);

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not initialized.");

    public virtual async Task InitializeAsync()
    {
        _server = await _getServer();
        ConnectionString = await _server.CreateDatabaseAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await new SchemaMigrator(DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(ConnectionString);
        }
    }

    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.AddWithValue(p);
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query, for assertions that look at the tables directly.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.AddWithValue(p);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
