using Microsoft.Extensions.Logging.Abstractions;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Postgres.Schema;

namespace Serverless.EventSourcing.Application.Tests;

/// <summary>A fresh database of its own with the store's schema and the bank module's read-model tables.</summary>
public sealed class BankDatabase : PostgresDatabase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await new SchemaMigrator(DataSource, NullLogger<SchemaMigrator>.Instance, DomainModules.MigrationsOf(new BankModule())).MigrateAsync();
    }
}
