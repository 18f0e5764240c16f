using System.Text.Json;
using Serverless.EventSourcing.Application.Api;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>The Functions app serves exactly the local host's routes: same name, route, method and auth level.</summary>
public sealed class HttpTriggersMatchTheLocalHostTests
{
    private readonly FunctionsSourceModel _functions = FunctionsSourceModel.Parse(RepositoryFiles.FunctionsSources());

    [Fact]
    public void The_checker_can_read_every_function_of_the_functions_app()
    {
        Assert.Empty(_functions.Unreadable);
        Assert.NotEmpty(_functions.HttpTriggers);
    }

    [Fact]
    public async Task Every_local_host_route_has_an_http_trigger_with_the_same_route_method_and_auth_level_and_vice_versa()
    {
        var localRoutes = await LocalHostRoutes.ReadAsync();

        var drift = RouteParity.FindDrift(localRoutes, _functions.HttpTriggers);

        Assert.Empty(drift);
        // Not vacuous: both sides carry the whole route table.
        Assert.Equal(ApiRoutes.All.Count, localRoutes.Count);
        Assert.Equal(ApiRoutes.All.Count, _functions.HttpTriggers.Count);
    }

    [Fact]
    public void Host_json_serves_http_functions_under_api_like_the_local_host()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.HostJsonPath));

        var routePrefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

        Assert.Equal("api", routePrefix);
    }
}
