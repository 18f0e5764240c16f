namespace Serverless.EventSourcing.LocalHost.Tests.Fuzz;

/// <summary>
/// The corpus in <c>malformed-requests.json</c>, sent over real HTTP to the local host: every answer is a 4xx
/// problem naming a field or a reason, and no stream changes. Requests that Kestrel refuses before the application
/// (a NUL in the path or in a header) cannot be answered as problems and are not in the corpus; see
/// <see cref="Edge.QueryAndPathTests"/>.
/// </summary>
public class MalformedRequestTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Every_malformed_request_is_a_4xx_problem_with_a_field_or_reason_and_changes_no_stream()
    {
        // Given an account with a deposit, a stream with two events and a tombstoned stream
        var corpus = MalformedRequest.LoadCorpus();
        var account = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{account}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{account}/commands/deposit", Http.Json(new { amount = 100, currency = "EUR" }))).StatusCode);
        var stream = $"note-{Http.NewId()}";
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/streams/{stream}/events", Http.Json(new { events = new[] { new { type = "noted", data = new { i } } } }))).StatusCode);
        }

        var deleted = $"note-{Http.NewId()}";
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/streams/{deleted}/events", Http.Json(new { events = new[] { new { type = "noted", data = new { } } } }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.DeleteAsync($"/api/streams/{deleted}")).StatusCode);
        var before = await StoreStateAsync();
        using var client = host.NewClient(withKey: false, utf8Headers: true);

        // When every request of the corpus is sent
        var failures = new List<string>();
        foreach (var request in corpus)
        {
            var placeholders = new Dictionary<string, string> { ["{account}"] = account, ["{stream}"] = stream, ["{deleted}"] = deleted, ["{new}"] = Http.NewId() };
            using var message = request.ToHttpRequest(placeholders, LocalHostFixture.Key);
            using var response = await client.SendAsync(message);
            if (await DescribeFailureAsync(request, response) is { } failure)
            {
                failures.Add($"{request.Name}: {failure}");
            }
        }

        // Then each was a 4xx problem as the corpus expects, and no stream, version or position moved
        Assert.True(corpus.Count >= 100, $"the corpus holds only {corpus.Count} requests");
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} requests were not answered as expected:\n{string.Join('\n', failures)}");
        Assert.Equal(before, await StoreStateAsync());
    }

    private static async Task<string?> DescribeFailureAsync(MalformedRequest request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status < 400 || status > 499 || (request.Expect is { } expected && status != expected))
        {
            return $"expected {request.Expect?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "4xx"}, got {status} {body}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{status} without problem+json ({response.Content.Headers.ContentType?.MediaType ?? "no content type"})";
        }

        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        var named = root.TryGetProperty("field", out var field) ? field.GetString() : null;
        var explained = root.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 };
        if (!root.TryGetProperty("type", out var type) || !type.GetString()!.StartsWith("urn:serverless-eventsourcing:problem:", StringComparison.Ordinal) || (named is not { Length: > 0 } && !explained))
        {
            return $"{status} problem without a type, a field or a detail: {body}";
        }

        return request.Field is { } expectedField && expectedField != named ? $"expected field {expectedField}, got {named ?? "none"}: {body}" : null;
    }

    /// <summary>
    /// Every stream with its version (and tombstone), the log's last position, and the number of events; the audit trail
    /// aside, which records refused operator attempts (a stale If-Match on a delete, an unknown projection) by design.
    /// </summary>
    private async Task<string> StoreStateAsync()
    {
        await using var command = host.Database.DataSource.CreateCommand(
            "select coalesce(string_agg(stream_id || '@' || version || case when deleted_at is null then '' else '-deleted' end, ',' order by stream_id), '') " +
            "|| ' last=' || (select coalesce(max(global_position), 0) from es_events where category <> 'audit') " +
            "|| ' events=' || (select count(*) from es_events where category <> 'audit') from es_streams where category <> 'audit'");
        return (string)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>One entry of the corpus.</summary>
public sealed record MalformedRequest(
    string Name,
    string Method,
    string Path,
    int? Expect,
    string? Field,
    IReadOnlyDictionary<string, string>? Headers,
    string? Auth,
    string? Body,
    string? BodyBase64,
    RepeatedBody? BodyRepeat,
    JsonElement ContentType)
{
    public static IReadOnlyList<MalformedRequest> LoadCorpus()
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Fuzz", "malformed-requests.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("requests").Deserialize<List<MalformedRequest>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    public HttpRequestMessage ToHttpRequest(IReadOnlyDictionary<string, string> placeholders, string key)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Fill(Path, placeholders));
        var content = BodyBase64 is not null ? Convert.FromBase64String(BodyBase64)
            : BodyRepeat is { } r ? Encoding.UTF8.GetBytes(r.Prefix + string.Concat(Enumerable.Repeat(r.Repeat, r.Times)) + r.Suffix)
            : Body is not null ? Encoding.UTF8.GetBytes(Fill(Body, placeholders))
            : null;
        if (content is not null)
        {
            message.Content = new ByteArrayContent(content);
            // Absent: sent as JSON; null: no Content-Type at all; a string: exactly that.
            var type = ContentType.ValueKind switch
            {
                JsonValueKind.String => ContentType.GetString(),
                JsonValueKind.Undefined => "application/json",
                _ => null,
            };
            if (type is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        switch (Auth)
        {
            case null:
                message.Headers.Add("x-functions-key", key);
                break;
            case "wrong":
                message.Headers.Add("x-functions-key", "not-the-key");
                break;
            case "upper":
                message.Headers.Add("x-functions-key", key.ToUpperInvariant());
                break;
        }

        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> placeholders) =>
        placeholders.Aggregate(text, (t, p) => t.Replace(p.Key, p.Value, StringComparison.Ordinal));
}

public sealed record RepeatedBody(string Prefix, string Repeat, int Times, string Suffix);
