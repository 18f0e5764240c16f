using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Postgres.Schema;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// Applies pending migrations before the host serves anything (safe with many instances: advisory lock); first refuses
/// to start with prepared statements on behind a pooler that moves sessions between transactions.
/// </summary>
internal sealed class MigrateOnStartup(SchemaMigrator migrator, Npgsql.NpgsqlDataSource dataSource, EventSourcingSettings settings) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The probe needs two connections at once.
        if (settings.PostgresMaxAutoPrepare > 0 && settings.PostgresMaxPoolSize >= 2 && await Postgres.PooledSessionProbe.SessionsMoveBetweenTransactionsAsync(dataSource, cancellationToken))
        {
            throw new InvalidOperationException(
                $"Postgres__MaxAutoPrepare is {settings.PostgresMaxAutoPrepare}, but a pooler in transaction mode is in front of the server (one connection ran on two server sessions): " +
                "prepared statements would run on sessions that did not prepare them. Set Postgres__MaxAutoPrepare=0, or give the pooler max_prepared_statements (PgBouncer 1.21+).");
        }

        await migrator.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Creates the state row of each projection (after migrations: hosted services start in order).</summary>
internal sealed class RegisterProjectionsOnStartup(ProjectionDispatcher dispatcher) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => dispatcher.RegisterAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Proves the configured master keys are the ones that wrapped this database's data keys (after migrations).</summary>
internal sealed class VerifyMasterKeysOnStartup(Application.PersonalData.MasterKeyRotation rotation) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => rotation.VerifyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
