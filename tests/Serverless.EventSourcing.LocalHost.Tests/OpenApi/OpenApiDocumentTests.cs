using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Serverless.EventSourcing.LocalHost.Tests.OpenApi;

/// <summary>The served document, read as a client generator reads it: every route an operation with a clean id, bodies, parameters and problems.</summary>
public class OpenApiDocumentTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Every_route_is_an_operation_with_a_url_safe_id_and_each_command_and_saga_its_own()
    {
        var document = await DocumentAsync();

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.GetProperty("operationId").GetString()!)).ToList();
        // read/{*path} is listed as the bank's read routes; the command route as one operation per aggregate command, the
        // aggregate and saga-start routes one per aggregate and saga.
        string[] expanded = ["ReadModel", "ExecuteCommand", "GetAggregate", "StartSaga"];
        var expected = Application.Api.ApiRoutes.All.Select(r => r.Name).Except(expanded)
            .Concat(["ReadAccountsById", "ReadAccountsByIdStatement", "ReadDailyTotals"])
            .Concat(["AccountClose", "AccountDeposit", "AccountFreeze", "AccountOpen", "AccountUnfreeze", "AccountWithdraw", "GetAccount", "StartTransfer"]);
        Assert.Equal(expected.Order(), operations.Order());
        Assert.All(operations, id => Assert.Matches("^[A-Za-z][A-Za-z0-9]*$", id));
        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_command_takes_its_body_from_the_command_type_and_answers_typed_results_and_problems()
    {
        var document = await DocumentAsync();
        var deposit = document.GetProperty("paths").GetProperty("/api/aggregates/account/{id}/commands/deposit").GetProperty("post");

        var body = Resolve(document, deposit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal("integer", body.GetProperty("properties").GetProperty("amount").GetProperty("type").GetString());
        Assert.Equal("int64", body.GetProperty("properties").GetProperty("amount").GetProperty("format").GetString());
        Assert.Equal(["amount", "currency"], body.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.False(body.GetProperty("additionalProperties").GetBoolean()); // unknown members are refused (400)
        Assert.True(deposit.GetProperty("requestBody").GetProperty("required").GetBoolean());

        var headers = deposit.GetProperty("parameters").EnumerateArray().Select(p => Resolve(document, p))
            .Select(p => (p.GetProperty("in").GetString(), p.GetProperty("name").GetString())).ToList();
        Assert.Contains(("header", "If-Match"), headers);
        Assert.Contains(("header", "Idempotency-Key"), headers);
        Assert.Contains(("header", "x-correlation-id"), headers);
        Assert.Contains(("path", "id"), headers);

        var responses = deposit.GetProperty("responses");
        var ok = Resolve(document, responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(ok.GetProperty("properties").TryGetProperty("version", out _));
        Assert.True(responses.GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _));
        foreach (var status in new[] { "400", "401", "403", "404", "409", "412", "415", "422", "429", "503" })
        {
            var problem = Resolve(document, responses.GetProperty(status));
            var schema = Resolve(document, problem.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema"));
            Assert.True(schema.GetProperty("properties").TryGetProperty("currentVersion", out _), status);
        }

        // A command without members may be posted with no body.
        var unfreeze = document.GetProperty("paths").GetProperty("/api/aggregates/account/{id}/commands/unfreeze").GetProperty("post").GetProperty("requestBody");
        Assert.False(unfreeze.TryGetProperty("required", out var required) && required.GetBoolean());
    }

    [Fact]
    public async Task Reads_declare_their_paging_and_time_travel_parameters_and_live_routes_their_event_stream()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        Assert.Equal(["direction", "fromVersion", "limit", "streamId"], ParameterNames(document, paths.GetProperty("/api/streams/{streamId}/events").GetProperty("get")));
        Assert.Equal(["asOf", "asOfVersion", "id"], ParameterNames(document, paths.GetProperty("/api/aggregates/account/{id}").GetProperty("get")));
        // A module's read route lists the query parameters it declared.
        Assert.Equal(["afterVersion", "id", "limit"], ParameterNames(document, paths.GetProperty("/api/read/accounts/{id}/statement").GetProperty("get")));
        var page = Resolve(document, paths.GetProperty("/api/streams/{streamId}/events").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var item = Resolve(document, page.GetProperty("properties").GetProperty("events").GetProperty("items"));
        Assert.Equal("int64", item.GetProperty("properties").GetProperty("globalPosition").GetProperty("format").GetString());
        Assert.True(page.GetProperty("properties").GetProperty("nextVersion").GetProperty("nullable").GetBoolean());

        var live = paths.GetProperty("/api/streams/{streamId}/live").GetProperty("get");
        Assert.True(live.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream; charset=utf-8", out _));
        Assert.Contains("Last-Event-ID", ParameterNames(document, live));
        Assert.Contains(live.GetProperty("security").EnumerateArray(), s => s.TryGetProperty("bearerQuery", out _));

        var state = Resolve(document, paths.GetProperty("/api/aggregates/account/{id}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(Resolve(document, state.GetProperty("properties").GetProperty("state")).GetProperty("properties").TryGetProperty("balance", out _));
    }

    [Fact]
    public async Task Microsoft_OpenApi_reads_the_document_without_errors_and_its_validator_finds_none()
    {
        var json = await host.NewClient(withKey: false).GetStringAsync("/api/openapi.json");

        var result = OpenApiDocument.Parse(json, OpenApiConstants.Json);

        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, result.Diagnostic.SpecificationVersion);
        Assert.Empty(result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
    }

    private async Task<JsonElement> DocumentAsync() => await (await host.NewClient(withKey: false).GetAsync("/api/openapi.json")).JsonAsync();

    private static List<string> ParameterNames(JsonElement document, JsonElement operation) =>
        [.. operation.GetProperty("parameters").EnumerateArray().Select(p => Resolve(document, p).GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];

    /// <summary>Follows a local <c>$ref</c> (#/components/...).</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement node)
    {
        while (node.TryGetProperty("$ref", out var reference))
        {
            node = document;
            foreach (var segment in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                node = node.GetProperty(segment);
            }
        }

        return node;
    }
}
