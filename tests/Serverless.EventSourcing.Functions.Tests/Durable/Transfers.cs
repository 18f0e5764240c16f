using Serverless.EventSourcing.Functions.Tests.Contract;

namespace Serverless.EventSourcing.Functions.Tests.Durable;

/// <summary>Transfers over the Functions app's HTTP functions, and their outcome from the saga status route.</summary>
public static class Transfers
{
    public static async Task<string> StartAsync(HttpClient client, string from, string to, long amount, string? key = null)
    {
        var response = await client.SendAsync(HttpMethod.Post, "/api/sagas/transfer", new { fromAccount = from, toAccount = to, amount, currency = "EUR" },
            ("Idempotency-Key", key ?? Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("sagaId").GetString()!;
    }

    public static async Task<JsonElement> StatusAsync(HttpClient client, string sagaId) =>
        await (await client.GetAsync($"/api/sagas/transfer/{sagaId}")).JsonAsync();

    /// <summary>Waits until the saga has finished and returns its final status document.</summary>
    public static async Task<JsonElement> FinishedAsync(HttpClient client, string sagaId, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var status = await StatusAsync(client, sagaId);
            if (status.GetProperty("status").GetString() is "completed" or "compensated" or "failed_needs_attention")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"saga {sagaId} did not finish: {status}");
            await Task.Delay(200);
        }
    }

    public static async Task<long> BalanceAsync(HttpClient client, string account) =>
        (await (await client.GetAsync($"/api/aggregates/account/{account}")).JsonAsync()).GetProperty("state").GetProperty("balance").GetInt64();

    public static IEnumerable<string> Steps(JsonElement status) =>
        status.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString()!);
}
