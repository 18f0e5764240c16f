using System.Net.Http.Headers;

namespace Serverless.EventSourcing.Functions.Tests.Contract;

/// <summary>Small request and assertion helpers so the contract cases read as requests and expectations.</summary>
public static class Api
{
    public static string NewId() => Guid.NewGuid().ToString("N")[..12];

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Json(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Asserts an RFC 7807 problem with a stable type and the given status, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.StartsWith("urn:serverless-eventsourcing:problem:", problem.GetProperty("type").GetString());
        if (type is not null)
        {
            Assert.Equal("urn:serverless-eventsourcing:problem:" + type, problem.GetProperty("type").GetString());
        }

        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static async Task<string> OpenAccountAsync(this HttpClient client, long deposit = 0)
    {
        var id = NewId();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/aggregates/account/{id}/commands/open", Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        if (deposit > 0)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Json(new { amount = deposit, currency = "EUR" }))).StatusCode);
        }

        return id;
    }

    public static async Task<string> AppendOneAsync(this HttpClient client, string stream, Guid? eventId = null)
    {
        var response = await client.PostAsync($"/api/streams/{stream}/events", Json(new { events = new[] { new { eventId = eventId ?? Guid.NewGuid(), type = "noted", data = new { n = 1 } } } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return stream;
    }
}
