using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Serverless.EventSourcing.Postgres.Schema;
using Xunit;

namespace Serverless.EventSourcing.Testing;

/// <summary>A class fixture: a fresh, migrated database of its own on the shared test cluster.</summary>
public class PostgresDatabase : IAsyncLifetime
{
    private PostgresServer? _server;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not initialized.");

    public virtual async Task InitializeAsync()
    {
        _server = await PostgresServer.GetSharedAsync();
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
