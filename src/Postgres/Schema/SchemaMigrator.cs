using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Serverless.EventSourcing.Postgres.Schema;

/// <summary>
/// Applies the numbered embedded scripts that have not run yet, in order, in one transaction under a
/// transaction-scoped advisory lock, so concurrent start-ups (and PgBouncer in transaction mode) are safe.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // Any fixed number works; it only has to be the same for every instance of the app.
    private const long MigrationLockKey = 0x65735F6D69677261; // "es_migra"

    public static IReadOnlyList<Migration> All { get; } = LoadMigrations();

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCmd.Parameters.AddWithValue(MigrationLockKey);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var create = new NpgsqlCommand(
            "create table if not exists es_schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())",
            connection,
            tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("select version from es_schema_migrations", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var count = 0;
        foreach (var migration in All.Where(m => !applied.Contains(m.Version)))
        {
            await using (var run = new NpgsqlCommand(migration.Sql, connection, tx))
            {
                await run.ExecuteNonQueryAsync(ct);
            }

            await using (var record = new NpgsqlCommand("insert into es_schema_migrations (version, name) values ($1, $2)", connection, tx))
            {
                record.Parameters.AddWithValue(migration.Version);
                record.Parameters.AddWithValue(migration.Name);
                await record.ExecuteNonQueryAsync(ct);
            }

            logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
            count++;
        }

        await tx.CommitAsync(ct);
        return count;
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Load(assembly, n))
            .OrderBy(m => m.Version)
            .ToList();
    }

    private static Migration Load(Assembly assembly, string resource)
    {
        var name = resource["Migrations.".Length..^".sql".Length];
        var version = int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, name, reader.ReadToEnd());
    }
}

public sealed record Migration(int Version, string Name, string Sql);
