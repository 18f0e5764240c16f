using Npgsql;

namespace Serverless.EventSourcing.Modules.Tests.PersonalData;

/// <summary>Bad personal input is refused, and a key destroyed while a command is in flight leaves nothing committed under it.</summary>
public sealed class PersonalDataRulesTests(PersonalDataHost host) : IClassFixture<PersonalDataHost>
{
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("account", """{"owner":42,"currency":"EUR","ownerId":"s-1"}""", "events[0].data.owner", "declared as a string")]
    [InlineData("account", """{"owner":{"first":"Ada"},"currency":"EUR"}""", "events[0].data.owner", "declared as a string")]
    [InlineData("order", """{"shippingAddress":"1 Main St"}""", "events[0].data.customer", "required")]
    [InlineData("order", """{"customer":"","shippingAddress":"1 Main St"}""", "events[0].data.customer", "data subject's id")]
    [InlineData("order", """{"customer":7,"shippingAddress":"1 Main St"}""", "events[0].data.customer", "data subject's id")]
    [InlineData("order", """{"customer":"  ","shippingAddress":"1 Main St"}""", "events[0].data.customer", "data subject's id")]
    // A subject id erasure could not name (before, appends took it, and its data could never be erased).
    [InlineData("order", """{"customer":"s\u0007-1","shippingAddress":"1 Main St"}""", "events[0].data.customer", "printable")]
    public async Task A_personal_field_of_the_wrong_kind_or_a_missing_subject_is_400_naming_it_and_writes_nothing(string category, string data, string field, string why)
    {
        var stream = $"{category}-{OrdersHost.NewId()}";
        var type = category == "account" ? "AccountOpened" : "OrderCreated";
        var response = await host.Client.PostAsync($"/api/streams/{stream}/events", new StringContent($$"""{"events":[{"type":"{{type}}","data":{{data}}}]}""", Encoding.UTF8, "application/json"));

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/streams/{stream}")).StatusCode);
    }

    [Fact]
    public async Task A_blank_subject_id_is_400_on_the_subject_routes_and_records_no_erasure()
    {
        // Before, DELETE recorded " " as an erased subject, an id no event may carry.
        foreach (var request in new[] { new HttpRequestMessage(HttpMethod.Delete, "/api/subjects/%20%20"), new HttpRequestMessage(HttpMethod.Get, "/api/subjects/%20") })
        {
            var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("subjectId", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        }

        await using var connection = new NpgsqlConnection(host.Database.ConnectionString);
        await connection.OpenAsync();
        await using var keys = new NpgsqlCommand("select count(*) from es_subject_keys where trim(subject) = ''", connection);
        Assert.Equal(0L, (long)(await keys.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_refused_raw_append_makes_no_data_key_for_the_subjects_it_names()
    {
        // Each refusal comes after a valid personal field of a new subject: before, that subject's key was made first.
        var subjects = new[] { "s-" + OrdersHost.NewId(), "s-" + OrdersHost.NewId(), "s-" + OrdersHost.NewId() };
        var refused = new (string Path, object Body)[]
        {
            // a later event of the same append has a personal field of the wrong kind
            ($"/api/streams/account-{OrdersHost.NewId()}/events", new { events = new object[] { new { type = "AccountOpened", data = new { owner = "Ada", currency = "EUR", ownerId = subjects[0] } }, new { type = "AccountOpened", data = new { owner = 42, currency = "EUR", ownerId = subjects[0] } } } }),
            // the personal data is fine, but the account could not fold the event (its currency is missing)
            ($"/api/streams/account-{OrdersHost.NewId()}/events", new { events = new[] { new { type = "AccountOpened", data = new { owner = "Bo", ownerId = subjects[1] } } } }),
            // the second append of a multi-stream request is refused
            ("/api/streams", new { appends = new object[] { new { streamId = $"account-{OrdersHost.NewId()}", events = new[] { new { type = "AccountOpened", data = new { owner = "Cy", currency = "EUR", ownerId = subjects[2] } } } }, new { streamId = $"account-{OrdersHost.NewId()}", events = new[] { new { type = "noted", data = new { } } } } } }),
        };
        foreach (var (path, body) in refused)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync(path, Json(body))).StatusCode);
        }

        // A personal field of the wrong kind in the second append of a multi-stream request is named under it.
        var wrongKind = await host.Client.PostAsync("/api/streams", Json(new { appends = new object[] { new { streamId = $"note-{OrdersHost.NewId()}", events = new[] { new { type = "noted", data = new { } } } }, new { streamId = $"account-{OrdersHost.NewId()}", events = new[] { new { type = "AccountOpened", data = new { owner = 42, currency = "EUR", ownerId = subjects[2] } } } } } }));
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.Equal("appends[1].events[0].data.owner", JsonDocument.Parse(await wrongKind.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());

        await using var connection = new NpgsqlConnection(host.Database.ConnectionString);
        await connection.OpenAsync();
        await using var keys = new NpgsqlCommand("select count(*) from es_subject_keys where subject = any($1)", connection) { Parameters = { new() { Value = subjects } } };
        Assert.Equal(0L, (long)(await keys.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_token_of_another_subject_in_a_personal_field_is_400()
    {
        var account = OrdersHost.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{account}/commands/open", Json(new { owner = "Ada", currency = "EUR", ownerId = "s-ada" }))).StatusCode);
        await using var connection = new NpgsqlConnection(host.Database.ConnectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("select data::json->>'owner' from es_events where stream_id = $1", connection) { Parameters = { new() { Value = $"account-{account}" } } };
        var token = (string)(await read.ExecuteScalarAsync())!;
        Assert.StartsWith("pd1.", token, StringComparison.Ordinal);

        var stolen = await host.Client.PostAsync($"/api/streams/account-{OrdersHost.NewId()}/events", Json(new { events = new[] { new { type = "AccountOpened", data = new { owner = token, currency = "EUR", ownerId = "s-mallory" } } } }));
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Contains("another data subject", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subjects_first_command_while_another_instance_makes_its_key_uses_that_key()
    {
        // Given another instance making a new subject's data key, its insert not yet committed
        var subject = "first-" + OrdersHost.NewId();
        var ring = new Application.PersonalData.MasterKeyRing(new Application.PersonalData.PersonalDataOptions
        {
            MasterKeys = new Dictionary<int, byte[]> { [1] = Convert.FromBase64String(TestMasterKeys.Version1) },
            CurrentVersion = 1,
        });
        var (_, wrapped) = ring.NewKey(subject);
        await using var other = new NpgsqlConnection(host.Database.ConnectionString);
        await other.OpenAsync();
        await using var making = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("insert into es_subject_keys (subject, master_version, wrapped_key) values ($1, $2, $3)", other, making))
        {
            insert.Parameters.AddWithValue(subject);
            insert.Parameters.AddWithValue(wrapped.MasterVersion);
            insert.Parameters.AddWithValue(wrapped.WrappedKey);
            await insert.ExecuteNonQueryAsync();
        }

        // When this instance's first command for the subject tries to make the key too, and the other commits first
        var account = OrdersHost.NewId();
        var command = host.Client.PostAsync($"/api/aggregates/account/{account}/commands/open", Json(new { owner = "First Comer", currency = "EUR", ownerId = subject }));
        await WaitUntilAsync(async () => await host.CountAsync("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%insert into es_subject_keys%' and pid <> pg_backend_pid()") > 0);
        await making.CommitAsync();

        // Then the command succeeds under the key the other instance made
        var response = await command;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(1L, await host.CountAsync("select count(*) from es_events where stream_id = $1", $"account-{account}"));
    }

    [Fact]
    public async Task A_key_destroyed_while_a_command_on_its_subject_is_in_flight_leaves_nothing_committed_under_it()
    {
        // Given a subject whose key this instance holds (its first account is open)
        var subject = "race-" + OrdersHost.NewId();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/api/aggregates/account/{OrdersHost.NewId()}/commands/open", Json(new { owner = "Racer One", currency = "EUR", ownerId = subject }))).StatusCode);

        // And an erasure under way in another transaction (as from another instance: this one still holds the key)
        await using var eraser = new NpgsqlConnection(host.Database.ConnectionString);
        await eraser.OpenAsync();
        await using var erasure = await eraser.BeginTransactionAsync();
        await using (var erase = new NpgsqlCommand("select * from es_erase_subject($1)", eraser, erasure) { Parameters = { new() { Value = subject } } })
        {
            await erase.ExecuteNonQueryAsync();
        }

        // When a command encrypts the subject's data with the key it holds and reaches its commit
        var second = OrdersHost.NewId();
        var command = host.Client.PostAsync($"/api/aggregates/account/{second}/commands/open", Json(new { owner = "Racer Two", currency = "EUR", ownerId = subject }));
        await WaitUntilAsync(async () => await host.CountAsync("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%es_append_events%'") > 0);
        Assert.False(command.IsCompleted, "the command's commit waits for the erasure");

        // And the erasure commits
        await erasure.CommitAsync();

        // Then the command is refused and nothing of it was written
        var response = await command;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("subject-erased", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await host.CountAsync("select count(*) from es_events where stream_id = $1", $"account-{second}"));
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(20);
        }
    }
}
