namespace Serverless.EventSourcing.LocalHost.Tests.Edge;

/// <summary>Money APIs are strict: JSON numbers for numbers, JSON bodies, well-formed If-Match, no unknown command fields.</summary>
public class StrictInputTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Client => host.Client;

    private async Task<string> OpenAsync()
    {
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        return id;
    }

    private async Task<string?> VersionAsync(string stream) => (await Client.GetAsync($"/api/streams/{stream}")).Headers.ETag?.Tag;

    [Theory]
    [InlineData("""{"amount":"10","currency":"EUR"}""", "amount")]
    [InlineData("""{"amount":10.5,"currency":"EUR"}""", "amount")]
    [InlineData("""{"amount":1e3,"currency":"EUR"}""", "amount")]
    [InlineData("""{"amount":99999999999999999999999,"currency":"EUR"}""", "amount")]
    [InlineData("""{"amount":true,"currency":"EUR"}""", "amount")]
    [InlineData("""{"amount":10,"currency":978}""", "currency")]
    [InlineData("""{"amount":10,"currency":"EUR","memo":"hi"}""", "memo")]
    [InlineData("""{"amount":10,"currency":"EUR","amount":20}""", "amount")]
    [InlineData("""[{"amount":10,"currency":"EUR"}]""", "body")]
    public async Task A_loose_deposit_body_is_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        // Given an open account at version 1
        var id = await OpenAsync();

        // When a deposit body is not exactly the command's shape
        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Raw(body));

        // Then it is refused naming the field, and nothing is written
        Assert.Equal(field, await response.InvalidFieldAsync());
        Assert.Equal("\"1\"", await VersionAsync($"account-{id}"));
    }

    [Fact]
    public async Task An_unknown_field_is_named_and_called_unknown()
    {
        var id = await OpenAsync();

        var problem = await (await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Raw("""{"amount":10,"currency":"EUR","Memo":1}"""))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("Memo", problem.GetProperty("field").GetString());
        Assert.Contains("unknown", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_string_for_a_number_is_named_and_told_to_be_a_number()
    {
        var id = await OpenAsync();

        var problem = await (await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Raw("""{"amount":"10","currency":"EUR"}"""))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("number", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=latin1")]
    [InlineData(null)]
    public async Task A_command_body_that_is_not_declared_json_is_415_and_writes_nothing(string? contentType)
    {
        var id = await OpenAsync();

        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Raw("""{"amount":10,"currency":"EUR"}""", contentType));

        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.EndsWith(":unsupported-media-type", problem.GetProperty("type").GetString());
        Assert.Equal("\"1\"", await VersionAsync($"account-{id}"));
    }

    [Fact]
    public async Task A_raw_append_that_is_not_declared_json_is_415_and_writes_nothing()
    {
        var stream = $"note-{Http.NewId()}";

        var response = await Client.PostAsync($"/api/streams/{stream}/events", Http.Raw("""{"events":[{"type":"noted","data":{}}]}""", "text/plain"));

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/JSON")]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/problem+json")]
    public async Task Json_and_any_plus_json_media_type_are_accepted(string contentType)
    {
        var id = await OpenAsync();

        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Raw("""{"amount":10,"currency":"EUR"}""", contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_command_without_a_body_needs_no_content_type()
    {
        var id = await OpenAsync();

        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/freeze", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1")]
    [InlineData("\"\"")]
    [InlineData("\"one\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"-1\"")]
    public async Task An_empty_or_malformed_if_match_is_400_and_writes_nothing(string ifMatch)
    {
        var id = await OpenAsync();

        var response = await Client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 10, currency = "EUR" }, ("If-Match", ifMatch));

        Assert.Equal("If-Match", await response.InvalidFieldAsync());
        Assert.Equal("\"1\"", await VersionAsync($"account-{id}"));
    }

    [Fact]
    public async Task An_empty_if_match_on_a_raw_append_is_400_and_writes_nothing()
    {
        var stream = $"note-{Http.NewId()}";

        var response = await Client.SendAsync(HttpMethod.Post, $"/api/streams/{stream}/events", new { events = new[] { new { type = "noted", data = new { } } } }, ("If-Match", ""));

        Assert.Equal("If-Match", await response.InvalidFieldAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"events":[{"type":"noted","data":{}}],"expectedVerison":0}""", "expectedVerison")]
    [InlineData("""{"events":[{"type":"noted","data":{},"meta":{}}]}""", "events[0].meta")]
    [InlineData("""{"events":[{"type":"noted","data":{}}],"expectedVersion":"0"}""", "expectedVersion")]
    [InlineData("""{"events":[{"type":"noted","data":{},"metadata":{"schemaVersion":"2"}}]}""", "events[0].metadata.schemaVersion")]
    public async Task A_raw_append_envelope_is_strict_too(string body, string field)
    {
        var stream = $"note-{Http.NewId()}";

        var response = await Client.PostAsync($"/api/streams/{stream}/events", Http.Raw(body));

        Assert.Equal(field, await response.InvalidFieldAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Fact]
    public async Task Raw_event_data_stays_free_form_json()
    {
        var stream = $"note-{Http.NewId()}";

        var response = await Client.PostAsync($"/api/streams/{stream}/events", Http.Raw("""{"events":[{"type":"noted","data":{"amount":"10","anything":[1,{"x":null}],"n":1e3},"metadata":{"tenant":"t1"}}]}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/replay", """{"category":"note","limit":"10"}""", "limit")]
    [InlineData("/api/replay", """{"category":"note","categroy":"x"}""", "categroy")]
    [InlineData("/api/sagas/transfer", """{"fromAccount":"1","toAccount":"2","amount":"5","currency":"EUR"}""", "amount")]
    [InlineData("/api/sagas/transfer", """{"fromAccount":"1","toAccount":"2","amount":5,"currency":"EUR","note":"x"}""", "note")]
    public async Task Other_json_inputs_are_strict_too(string url, string body, string field)
    {
        var response = await Client.PostAsync(url, Http.Raw(body));

        Assert.Equal(field, await response.InvalidFieldAsync());
    }
}
