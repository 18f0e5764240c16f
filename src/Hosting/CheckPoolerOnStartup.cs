using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// Refuses to start with prepared statements on behind a pooler that moves sessions between transactions (before the
/// migrations, the first thing to touch the database): such statements would run on sessions that did not prepare them.
/// </summary>
internal sealed class CheckPoolerOnStartup(NpgsqlDataSource dataSource, EventSourcingSettings settings) : IHostedService
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
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
