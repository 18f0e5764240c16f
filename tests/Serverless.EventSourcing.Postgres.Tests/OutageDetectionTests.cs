using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Serverless.EventSourcing.Postgres.Tests;

/// <summary>Which real PostgreSQL failures are outages (503) and which are not (still bugs or conflicts).</summary>
public class OutageDetectionTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    private readonly PostgresOutages _outages = new();

    [Fact]
    public async Task A_server_that_refuses_connections_is_an_outage()
    {
        // Given a port nothing listens on
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=2");

        // When a query is sent
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await dataSource.CreateCommand("select 1").ExecuteScalarAsync());

        // Then it is an outage of PostgreSQL
        Assert.Equal("PostgreSQL", _outages.Detect(error)?.Dependency);
    }

    [Fact]
    public async Task A_pool_with_no_free_connection_in_time_is_an_outage()
    {
        await using var dataSource = NpgsqlDataSource.Create($"{db.ConnectionString};Maximum Pool Size=1;Timeout=1");
        await using var held = await dataSource.OpenConnectionAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await dataSource.OpenConnectionAsync());

        Assert.NotNull(_outages.Detect(error));
    }

    [Fact]
    public async Task A_connection_the_server_terminates_is_an_outage()
    {
        // Given a connection whose backend an administrator terminates (57P01, as in a shutdown)
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using var victim = await dataSource.OpenConnectionAsync();
        var pid = victim.ProcessID;
        await db.ExecuteAsync("select pg_terminate_backend($1)", pid);

        // When it is used
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await new NpgsqlCommand("select 1", victim).ExecuteScalarAsync());

        // Then it is an outage
        Assert.NotNull(_outages.Detect(error));
    }

    [Theory]
    [InlineData("select 1/0")]
    [InlineData("select * from no_such_table")]
    [InlineData("select 'x'::int")]
    [InlineData("insert into es_streams (stream_id, category, version, created_at, updated_at) values ('a-1', 'a', 1, now(), now()), ('a-1', 'a', 1, now(), now())")]
    public async Task An_error_in_the_statement_is_not_an_outage(string sql)
    {
        var error = await Assert.ThrowsAnyAsync<PostgresException>(() => db.ExecuteAsync(sql));

        Assert.Null(_outages.Detect(error));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure, false)]
    [InlineData(PostgresErrorCodes.DeadlockDetected, false)]
    [InlineData(PostgresErrorCodes.AdminShutdown, true)]
    [InlineData(PostgresErrorCodes.CrashShutdown, true)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, true)]
    [InlineData(PostgresErrorCodes.TooManyConnections, true)]
    [InlineData(PostgresErrorCodes.ConnectionFailure, true)]
    public void Server_errors_are_outages_by_their_sqlstate(string sqlState, bool outage)
    {
        var error = new PostgresException("message", "FATAL", "FATAL", sqlState);

        Assert.Equal(outage, _outages.Detect(new InvalidOperationException("wrapped", error)) is not null);
    }
}
