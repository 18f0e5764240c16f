using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Postgres.Projections;
using Serverless.EventSourcing.Postgres.Schema;

namespace Serverless.EventSourcing.Hosting;

/// <summary>Applies pending migrations before the host serves anything (safe with many instances: advisory lock).</summary>
internal sealed class MigrateOnStartup(SchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

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
