using System.Net.Http.Headers;

namespace Serverless.EventSourcing.LocalHost.Tests;

/// <summary>Small helpers so tests read as requests and assertions.</summary>
public static class Http
{
    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>A body sent exactly as given (JSON text that a serializer would never produce), with any content type or none.</summary>
    public static ByteArrayContent Raw(string body, string? contentType = "application/json") => Raw(Encoding.UTF8.GetBytes(body), contentType);

    public static ByteArrayContent Raw(byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.StartsWith("urn:serverless-eventsourcing:problem:", problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a 400 invalid-input problem and returns the field it names.</summary>
    public static async Task<string?> InvalidFieldAsync(this HttpResponseMessage response)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.EndsWith(":invalid-input", problem.GetProperty("type").GetString());
        return problem.GetProperty("field").GetString();
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null, params (string Name, string Value)[] headers) =>
        client.SendContentAsync(method, url, body is null ? null : Json(body), headers);

    public static Task<HttpResponseMessage> SendContentAsync(this HttpClient client, HttpMethod method, string url, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return client.SendAsync(request);
    }

    public static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
