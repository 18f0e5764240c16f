using Serverless.EventSourcing.Application.Api;

namespace Serverless.EventSourcing.Functions.Tests.Metadata;

/// <summary>The functions.metadata of the app as built for this test run matches the route table and schedules.</summary>
public sealed class BuiltAppMatchesTheContractTests
{
    private readonly IReadOnlyList<FunctionEntry> _functions = FunctionsMetadata.Load();

    [Fact]
    public void The_built_app_serves_exactly_the_route_table_timers_and_durable_functions()
    {
        var problems = ParityChecker.Compare(_functions, Contract.Current);

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_function_of_the_app_is_in_the_metadata()
    {
        // Routes + fallback + 5 timers (snapshot, cleanup, archive, relay, rebuild) + orchestrator + activity (+ the two Kafka triggers when they are built).
        var expected = ApiRoutes.All.Count + 1 + 5 + 2 + (BuiltApp.KafkaTriggerExcluded ? 0 : 2);

        Assert.Equal(expected, _functions.Count);
        Assert.Equal(_functions.Count, _functions.Select(f => f.Name).Distinct().Count());
    }

    [Fact]
    public void The_app_declares_no_function_of_its_own_and_the_metadata_runs_them_from_the_library()
    {
        // A team's app is the same Program.cs and module list: every function reaches it from the package.
        var app = typeof(Serverless.EventSourcing.Functions.App.AppModules).Assembly;
        var own = app.GetTypes().SelectMany(t => t.GetMethods()).Where(m => m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false).Length > 0);
        using var metadata = System.Text.Json.JsonDocument.Parse(File.ReadAllText(BuiltApp.MetadataPath));

        Assert.Empty(own);
        Assert.Equal(["Serverless.EventSourcing.AzureFunctions.dll"], metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("scriptFile").GetString()).Distinct());
    }

    [Fact]
    public void Every_entry_point_is_a_public_method_of_the_built_assembly()
    {
        var assembly = typeof(FunctionsAppServices).Assembly;
        foreach (var function in _functions)
        {
            var split = function.EntryPoint.LastIndexOf('.');
            var type = assembly.GetType(function.EntryPoint[..split]);
            Assert.True(type?.GetMethod(function.EntryPoint[(split + 1)..]) is not null, $"{function.Name}: no method {function.EntryPoint}");
        }
    }
}
