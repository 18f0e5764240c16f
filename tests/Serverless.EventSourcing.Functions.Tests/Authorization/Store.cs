using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;
using Npgsql;

namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>What a refused request must leave as it was: everything a route can write, read straight from the database.</summary>
public static class Store
{
    private const string Sql = """
        select concat_ws('|',
            (select count(*) from es_events where category <> 'audit'),
            (select count(*) from es_streams where deleted_at is not null),
            (select count(*) from es_snapshots),
            (select count(*) from es_idempotency_keys),
            (select count(*) from es_projection_rebuilds),
            (select count(*) from es_dead_letters where status <> 'parked'),
            (select count(*) from es_saga_runs),
            (select count(*) from es_subject_keys where wrapped_key is null))
        """;

    public static async Task<string> FingerprintAsync(ApiHost host)
    {
        await using var connection = new NpgsqlConnection(host.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The audit trail's records, oldest first, as the API returns them to an auditor.</summary>
    public static async Task<IReadOnlyList<JsonElement>> AuditAsync(ApiHost host)
    {
        using var auditor = host.KeyClient("audit");
        var response = await auditor.GetAsync("/api/streams/audit-log/events?limit=1000");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }
}
