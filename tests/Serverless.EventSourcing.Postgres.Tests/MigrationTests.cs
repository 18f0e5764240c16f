using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Postgres.Schema;

namespace Serverless.EventSourcing.Postgres.Tests;

public class MigrationTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Concurrent_start_ups_apply_each_migration_once()
    {
        var connection = await db.Server.CreateDatabaseAsync("es_migrate");
        try
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(connection);
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                Task.Run(() => new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync())));

            Assert.Equal(SchemaMigrator.All.Count, runs.Sum());
            await using var count = dataSource.CreateCommand("select count(*) from es_schema_migrations");
            Assert.Equal((long)SchemaMigrator.All.Count, await count.ExecuteScalarAsync());
            Assert.Equal(0, await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync());
        }
        finally
        {
            await db.Server.DropDatabaseAsync(connection);
        }
    }
}
