namespace Serverless.EventSourcing.LocalHost.Tests.Edge;

/// <summary>
/// Text PostgreSQL cannot hold (U+0000, unpaired UTF-16 surrogates, bytes that are not UTF-8) is refused at the edge
/// with 400 naming the field, so it never reaches an event, a read model or a text column.
/// </summary>
public class UnstorableTextTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Client => host.Client;

    [Fact]
    public async Task A_nul_in_a_command_field_is_400_naming_the_field_and_opens_nothing()
    {
        // Given an account id nobody has used
        var id = Http.NewId();

        // When it is opened with a NUL in the owner's name
        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Raw("""{"owner":"\u0000x","currency":"EUR"}"""));

        // Then the request is refused naming the field, and the account does not exist
        Assert.Equal("owner", await response.InvalidFieldAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/streams/account-{id}")).StatusCode);
    }

    [Fact]
    public async Task A_nul_in_a_deposit_reference_is_400_and_the_account_stays_at_its_version()
    {
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);

        var response = await Client.PostAsync($"/api/aggregates/account/{id}/commands/deposit", Http.Raw("""{"amount":5,"currency":"EUR","reference":"inv\u0000oice"}"""));

        Assert.Equal("reference", await response.InvalidFieldAsync());
        Assert.Equal("\"1\"", (await Client.GetAsync($"/api/streams/account-{id}")).Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("""{"events":[{"type":"noted","data":{"text":"a\u0000b"}}]}""", "events[0].data.text")]
    [InlineData("""{"events":[{"type":"noted","data":{"list":[1,"ok","\ud800"]}}]}""", "events[0].data.list[2]")]
    [InlineData("""{"events":[{"type":"noted","data":{"x":"\udc00\ud800"}}]}""", "events[0].data.x")]
    [InlineData("""{"events":[{"type":"noted","data":{"x":"\ud83d\u0041"}}]}""", "events[0].data.x")]
    [InlineData("""{"events":[{"type":"noted","data":{"a\u0000":1}}]}""", "events[0].data")]
    [InlineData("""{"events":[{"type":"noted","data":"\u0000"}]}""", "events[0].data")]
    [InlineData("""{"events":[{"type":"noted","data":{},"metadata":{"correlationId":"c\u0000"}}]}""", "events[0].metadata.correlationId")]
    [InlineData("""{"events":[{"type":"noted","data":{},"metadata":{"tenant":{"\u0000":"x"}}}]}""", "events[0].metadata.tenant")]
    [InlineData("""{"events":[{"type":"noted","data":{}},{"type":"noted","data":{"deep":[[{"k":"\ud800"}]]}}]}""", "events[1].data.deep[0][0].k")]
    public async Task Unstorable_text_anywhere_in_a_raw_append_is_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var stream = $"note-{Http.NewId()}";

        var response = await Client.PostAsync($"/api/streams/{stream}/events", Http.Raw(body));

        Assert.Equal(field, await response.InvalidFieldAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Fact]
    public async Task Properly_paired_surrogates_and_other_escapes_are_stored_and_read_back_unchanged()
    {
        var stream = $"note-{Http.NewId()}";

        var response = await Client.PostAsync($"/api/streams/{stream}/events", Http.Raw("""{"events":[{"type":"noted","data":{"smile":"\ud83d\ude00","tab":"a\tb","quote":"\"","raw":"😀"}}]}"""));
        var read = await (await Client.GetAsync($"/api/streams/{stream}/events")).JsonAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var data = read.GetProperty("events")[0].GetProperty("data");
        Assert.Equal("😀", data.GetProperty("smile").GetString());
        Assert.Equal("😀", data.GetProperty("raw").GetString());
        Assert.Equal("a\tb", data.GetProperty("tab").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_400_not_500()
    {
        var stream = $"note-{Http.NewId()}";
        // An encoded surrogate (ED A0 80) is not UTF-8; PostgreSQL would refuse it as an invalid byte sequence.
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"events\":[{\"type\":\"noted\",\"data\":{\"x\":\""), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes("\"}}]}")];

        var response = await Client.PostAsync($"/api/streams/{stream}/events", Http.Raw(body));

        Assert.Equal("body", await response.InvalidFieldAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Theory]
    [InlineData("/api/events?correlationId=a%00b", "correlationId")]
    [InlineData("/api/events?category=a%00b", "category")]
    [InlineData("/api/events?eventType=a%00b", "eventType")]
    [InlineData("/api/read/accounts/42/statement?afterVersion=1&x=%00", "x")]
    public async Task A_nul_in_a_query_value_is_400_naming_the_parameter(string url, string parameter)
    {
        var response = await Client.GetAsync(url);

        Assert.Equal(parameter, await response.InvalidFieldAsync());
    }

    [Theory]
    [InlineData("x-user-id", "ada\u0001")]
    [InlineData("x-user-id", "")]
    [InlineData("Idempotency-Key", "key\u0007")]
    [InlineData("x-correlation-id", "caf\u00e9")]
    [InlineData("x-correlation-id", "tab\there")]
    public async Task A_stored_header_with_unstorable_or_unprintable_text_is_400_naming_the_header(string header, string value)
    {
        // Given an open account
        var id = Http.NewId();
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/aggregates/account/{id}/commands/open", Http.Json(new { owner = "Ada", currency = "EUR" }))).StatusCode);
        using var client = host.NewClient(utf8Headers: true);

        // When a deposit carries the header
        var response = await client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/deposit", new { amount = 5, currency = "EUR" }, (header, value));

        // Then it is refused naming the header, and nothing was written
        Assert.Equal(header, await response.InvalidFieldAsync(), ignoreCase: true);
        Assert.Equal("\"1\"", (await Client.GetAsync($"/api/streams/account-{id}")).Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_user_id_in_any_script_is_stored_in_the_events_metadata()
    {
        var id = Http.NewId();
        using var client = host.NewClient(utf8Headers: true);

        var response = await client.SendAsync(HttpMethod.Post, $"/api/aggregates/account/{id}/commands/open", new { owner = "Ada", currency = "EUR" }, ("x-user-id", "zoë"));
        var events = await (await Client.GetAsync($"/api/streams/account-{id}/events")).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("zoë", events.GetProperty("events")[0].GetProperty("metadata").GetProperty("userId").GetString());
    }
}
