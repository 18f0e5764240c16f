using Npgsql;

namespace Serverless.EventSourcing.Modules.Tests.PersonalData;

/// <summary>
/// Erasure is provable: a subject's data written through commands, a raw append, a saga and projections is found in
/// plain text before erasure only where a read model declared it keeps plain values, and after erasure nowhere: not
/// in a pg_dump of the whole database, not in Redis, not on the Kafka topic, not in the archive, not in any read model. Reads show the
/// erasure marker, aggregates still fold, rebuilds still run, other subjects keep their data.
/// </summary>
public sealed class PersonalDataProofTests(PersonalDataHost host) : IClassFixture<PersonalDataHost>
{
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_erased_subjects_data_is_gone_from_every_copy_while_other_subjects_and_every_fold_survive()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (subject, other) = ($"cust-{tag}", $"other-{tag}");
        var name = $"Zoë Erasable {tag}";
        var rawName = $"Raw Appended {tag}";
        var address = $"221B Baker Street {tag}";
        var note = $"Leave it with the neighbour {tag}";
        var otherName = $"Kept Person {tag}";
        string[] secrets = [name, rawName, address, note];

        // Given the subject's data written by a command, a raw append, an order with its saga, and another subject's
        var account = OrdersHost.NewId();
        await OkAsync(host.Client.PostAsync($"/api/aggregates/account/{account}/commands/open", Json(new { owner = name, currency = "EUR", ownerId = subject })));
        for (var i = 0; i < 3; i++)
        {
            await OkAsync(host.Client.PostAsync($"/api/aggregates/account/{account}/commands/deposit", Json(new { amount = 10, currency = "EUR" })));
        }

        var rawAccount = OrdersHost.NewId();
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/streams/account-{rawAccount}/events",
            Json(new { events = new[] { new { type = "AccountOpened", data = new { owner = rawName, currency = "EUR", ownerId = subject } } } }))).StatusCode);
        var order = OrdersHost.NewId();
        await OkAsync(host.Client.PostAsync($"/api/aggregates/order/{order}/commands/create", Json(new { customer = subject, shippingAddress = address })));
        await OkAsync(host.Client.PostAsync($"/api/aggregates/order/{order}/commands/add-item", Json(new { sku = "lamp", quantity = 1, unitPrice = 900 })));
        var saga = await host.Client.PostAsync("/api/sagas/fulfilment", Json(new { orderId = order, customer = subject, deliveryNote = note }));
        Assert.Equal(HttpStatusCode.Accepted, saga.StatusCode);
        var keptAccount = OrdersHost.NewId();
        await OkAsync(host.Client.PostAsync($"/api/aggregates/account/{keptAccount}/commands/open", Json(new { owner = otherName, currency = "EUR", ownerId = other })));
        await host.EventuallyAsync(saga.Headers.Location!.OriginalString, s => s.GetProperty("status").GetString() == "completed");
        await host.EventuallyAsync($"/api/read/orders/{order}", s => s.GetProperty("status").GetString() == "shipped");
        await host.EventuallyAsync($"/api/read/accounts/{account}", s => s.GetProperty("balance").GetInt64() == 30);
        await host.EventuallyAsync($"/api/read/accounts/{rawAccount}", _ => true);
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync($"/api/snapshots/account-{account}", null)).StatusCode);

        // The accounts go to the archive: from here on their events are read from Blob Storage, as stored (tokens)
        await host.ArchiveAsync();
        Assert.Equal(0L, await host.CountAsync("select count(*) from es_events where stream_id = any($1)", (object)new[] { $"account-{account}", $"account-{rawAccount}" }));
        var archive = await host.ArchiveContentsAsync();
        Assert.Contains(archive, blob => blob.Contains("pd1.", StringComparison.Ordinal));
        AssertNowhere(secrets, archive, "the archive");

        // The API shows the plain values (the API is open here: every caller may), decrypted from what is stored
        Assert.Equal(name, (await StateAsync($"/api/aggregates/account/{account}")).GetProperty("state").GetProperty("owner").GetString());
        Assert.Equal(address, (await StateAsync($"/api/read/orders/{order}")).GetProperty("shippingAddress").GetString());
        Assert.Equal(name, (await StateAsync($"/api/read/accounts/{account}")).GetProperty("owner").GetString());

        // Before erasure the plain text is only in the read model that declared it keeps plain values
        var dump = await PostgresServer.DumpAsync(host.Database.ConnectionString);
        Assert.Equal(["es_rm_order_summaries"], TablesHolding(dump, address));
        foreach (var secret in new[] { name, rawName, note })
        {
            Assert.Empty(TablesHolding(dump, secret));
        }

        Assert.Contains("es_events", TablesHolding(dump, "pd1.")); // what is there instead: tokens
        var topic = host.TopicMessages();
        Assert.NotEmpty(topic);
        AssertNowhere(secrets, topic, "the Kafka topic");
        AssertNowhere(secrets, await host.RedisContentsAsync(), "Redis");

        // When the subject is erased (and again: the same answer; and a subject never seen)
        var erased = await JsonAsync(await host.Client.DeleteAsync($"/api/subjects/{subject}"));
        Assert.Equal(("erased", true), (erased.GetProperty("status").GetString(), erased.GetProperty("hadData").GetBoolean()));
        Assert.Equal(3, erased.GetProperty("streams").GetInt32());
        Assert.Equal("already-erased", (await JsonAsync(await host.Client.DeleteAsync($"/api/subjects/{subject}"))).GetProperty("status").GetString());
        var never = await JsonAsync(await host.Client.DeleteAsync($"/api/subjects/never-{tag}"));
        Assert.Equal(("erased", false), (never.GetProperty("status").GetString(), never.GetProperty("hadData").GetBoolean()));

        // Then no copy holds any of it: the database (a backup), Redis, the topic, the read models
        dump = await PostgresServer.DumpAsync(host.Database.ConnectionString);
        foreach (var secret in secrets)
        {
            Assert.Empty(TablesHolding(dump, secret));
            Assert.DoesNotContain(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(secret)), dump, StringComparison.Ordinal);
        }

        AssertNowhere(secrets, host.TopicMessages(), "the Kafka topic");
        AssertNowhere(secrets, await host.RedisContentsAsync(), "Redis");
        Assert.Equal(archive, await host.ArchiveContentsAsync()); // not rewritten: without the key its tokens open to nothing
        Assert.Equal(0L, await host.CountAsync("select count(*) from es_snapshots where stream_id = $1", $"account-{account}"));

        // And reads show the marker, the aggregate still folds and takes commands, the read model was scrubbed
        var state = (await StateAsync($"/api/aggregates/account/{account}")).GetProperty("state");
        Assert.Equal(("[erased]", 30L), (state.GetProperty("owner").GetString(), state.GetProperty("balance").GetInt64()));
        await OkAsync(host.Client.PostAsync($"/api/aggregates/account/{account}/commands/withdraw", Json(new { amount = 5, currency = "EUR" })));
        var events = (await StateAsync($"/api/streams/account-{rawAccount}/events")).GetProperty("events");
        Assert.Equal("[erased]", events[0].GetProperty("data").GetProperty("owner").GetString());
        Assert.Equal(JsonValueKind.Null, (await StateAsync($"/api/read/orders/{order}")).GetProperty("shippingAddress").ValueKind);

        // And a rebuild from the log still runs, and brings nothing back
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsync("/api/projections/order-summaries/rebuild", null)).StatusCode);
        await host.EventuallyAsync("/api/projections/order-summaries", p => p.GetProperty("rebuild").ValueKind == JsonValueKind.Object && p.GetProperty("rebuild").GetProperty("status").GetString() == "completed");
        Assert.Equal(JsonValueKind.Null, (await StateAsync($"/api/read/orders/{order}")).GetProperty("shippingAddress").ValueKind);
        Assert.Empty(TablesHolding(await PostgresServer.DumpAsync(host.Database.ConnectionString), address));

        // And new personal data of the erased subject is refused; the other subject is untouched
        var refused = await host.Client.PostAsync($"/api/aggregates/account/{OrdersHost.NewId()}/commands/open", Json(new { owner = name, currency = "EUR", ownerId = subject }));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("subject-erased", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(otherName, (await StateAsync($"/api/aggregates/account/{keptAccount}")).GetProperty("state").GetProperty("owner").GetString());

        // And the host's own log lines, all through, held none of the personal values
        AssertNowhere([.. secrets, otherName], host.Logs.Lines, "the host's log");
    }

    private async Task<JsonElement> StateAsync(string url) => await JsonAsync(await host.Client.GetAsync(url));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task OkAsync(Task<HttpResponseMessage> request)
    {
        var response = await request;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }


    private static void AssertNowhere(IEnumerable<string> secrets, IReadOnlyList<string> contents, string where)
    {
        foreach (var secret in secrets)
        {
            Assert.False(contents.Any(c => c.Contains(secret, StringComparison.Ordinal)), $"{where} holds '{secret}'");
        }
    }

    /// <summary>The tables whose rows (COPY blocks of the dump) hold <paramref name="text"/>; anywhere else in the dump counts as "(schema)".</summary>
    private static List<string> TablesHolding(string dump, string text)
    {
        var tables = new List<string>();
        string? table = null;
        foreach (var line in dump.Split('\n'))
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal))
            {
                table = line.Split(' ')[1].Replace("public.", "", StringComparison.Ordinal);
                continue;
            }

            if (line == "\\.")
            {
                table = null;
                continue;
            }

            if (line.Contains(text, StringComparison.Ordinal))
            {
                tables.Add(table ?? "(schema)");
            }
        }

        return [.. tables.Distinct()];
    }
}
