using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Serverless.EventSourcing.Modules;

namespace Serverless.EventSourcing.Postgres.Schema;

/// <summary>
/// Applies the numbered embedded scripts that have not run yet, in order, in one transaction under a
/// transaction-scoped advisory lock, so concurrent start-ups (and PgBouncer in transaction mode) are safe.
/// </summary>
/// <param name="modules">Domain modules' read-model schemas, applied after the store's own, each tracked by module.</param>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger, IEnumerable<ModuleMigrations>? modules = null)
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

        count += await MigrateModulesAsync(connection, tx, ct);
        await tx.CommitAsync(ct);
        return count;
    }

    private async Task<int> MigrateModulesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var sets = modules?.ToList() ?? [];
        if (sets.Count == 0)
        {
            return 0;
        }

        await connection.ExecuteAsync(tx,
            "create table if not exists es_module_migrations (module text not null, version int not null, name text not null, " +
            "applied_at timestamptz not null default now(), primary key (module, version))", ct);
        var count = 0;
        foreach (var set in sets)
        {
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("select version from es_module_migrations where module = $1", connection, tx))
            {
                read.Parameters.AddWithValue(set.Module);
                await using var reader = await read.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            foreach (var migration in Load(set.Assembly, set.ResourcePrefix).Where(m => !applied.Contains(m.Version)))
            {
                await connection.ExecuteAsync(tx, migration.Sql, ct);
                await connection.ExecuteAsync(tx, "insert into es_module_migrations (module, version, name) values ($1, $2, $3)", ct, set.Module, migration.Version, migration.Name);
                logger.LogInformation("Applied migration {Version} {Name} of module {Module}", migration.Version, migration.Name, set.Module);
                count++;
            }
        }

        return count;
    }

    private static List<Migration> LoadMigrations() => Load(typeof(SchemaMigrator).Assembly, "Migrations.");

    private static List<Migration> Load(Assembly assembly, string prefix) =>
        assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Load(assembly, n, prefix))
            .OrderBy(m => m.Version)
            .ToList();

    private static Migration Load(Assembly assembly, string resource, string prefix)
    {
        var name = resource[prefix.Length..^".sql".Length];
        var version = int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, name, reader.ReadToEnd());
    }
}

public sealed record Migration(int Version, string Name, string Sql);
