using Npgsql;

namespace Serverless.EventSourcing.LocalHost.Tests.Database;

/// <summary>The local host with <c>Postgres:MaxPoolSize</c> = 4, its connections named so a test can count them.</summary>
public sealed class SmallPoolHost : LocalHostFixture
{
    public const int PoolSize = 4;
    public const string ApplicationName = "pool-under-test";

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Postgres:MaxPoolSize"] = PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Postgres:ConnectionString"] = $"{Database.ConnectionString};Application Name={ApplicationName}",
    };
}

public class ConnectionPoolTests(SmallPoolHost host) : IClassFixture<SmallPoolHost>
{
    [Fact]
    public async Task A_burst_of_100_concurrent_commands_queues_for_the_configured_pool_instead_of_opening_more_connections()
    {
        // Given a host whose pool holds at most 4 connections, and a watcher counting the database's connections
        var database = new NpgsqlConnectionStringBuilder(host.Database.ConnectionString).Database!;
        await using var watcher = new NpgsqlConnection(host.Database.Server.AdminConnectionString);
        await watcher.OpenAsync();
        using var done = new CancellationTokenSource();
        var peak = 0L;
        var watching = Task.Run(async () =>
        {
            await using var count = new NpgsqlCommand("select count(*) from pg_stat_activity where datname = $1 and application_name = $2", watcher)
            {
                Parameters = { new() { Value = database }, new() { Value = SmallPoolHost.ApplicationName } },
            };
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, (long)(await count.ExecuteScalarAsync())!);
            }
        });

        // When 100 accounts are opened at once
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            host.Client.PostAsync($"/api/aggregates/account/{Http.NewId()}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))));
        await done.CancelAsync();
        await watching;

        // Then every command succeeded, and the host never held more than its pool's connections (and the subject-key
        // pool's: each new account's owner name is encrypted under a key made for it)
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.InRange(peak, 1, SmallPoolHost.PoolSize + Hosting.ServiceCollectionExtensions.SubjectKeyPoolSize);
    }
}
