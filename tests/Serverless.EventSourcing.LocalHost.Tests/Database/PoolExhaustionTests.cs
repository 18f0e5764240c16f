using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Serverless.EventSourcing.LocalHost.Tests.Database;

/// <summary>
/// The local host with a two-connection pool that gives up waiting for a connection after one second (set both as the
/// setting and in the connection string, so the pool is that small whichever the data source honours).
/// </summary>
public sealed class TwoConnectionPoolHost : LocalHostFixture
{
    public const int PoolSize = 2;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Postgres:MaxPoolSize"] = PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Postgres:ConnectionString"] = $"{Database.ConnectionString};Maximum Pool Size={PoolSize};Timeout=1",
    };
}

public class PoolExhaustionTests(TwoConnectionPoolHost host) : IClassFixture<TwoConnectionPoolHost>
{
    [Fact]
    public async Task A_request_that_cannot_get_a_pooled_connection_in_time_is_503_with_retry_after_not_500()
    {
        // Given an account, and every connection of the host's pool held elsewhere
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        var held = await HoldEveryConnectionAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), TwoConnectionPoolHost.PoolSize);

        // When a read and a command arrive
        HttpResponseMessage read, command;
        try
        {
            read = await host.Client.GetAsync($"/api/aggregates/account/{id}");
            command = await host.Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Json(new { amount = 5, currency = "EUR" }));
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        // Then both are told to come back later, and once connections are free the account answers again, unchanged
        foreach (var response in new[] { read, command })
        {
            var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.EndsWith(":service-unavailable", problem.GetProperty("type").GetString());
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
        }

        var after = await host.Client.GetAsync($"/api/aggregates/account/{id}");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("\"1\"", after.Headers.ETag?.Tag);
    }

    /// <summary>Background loops borrow connections too: keep asking until this test holds them all.</summary>
    private static async Task<List<NpgsqlConnection>> HoldEveryConnectionAsync(NpgsqlDataSource dataSource, int count)
    {
        var held = new List<NpgsqlConnection>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (held.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "could not take the pool's connections");
            try
            {
                held.Add(await dataSource.OpenConnectionAsync());
            }
            catch (NpgsqlException)
            {
                // The pool was busy for a moment (its one-second wait ran out); ask again.
            }
        }

        return held;
    }
}
