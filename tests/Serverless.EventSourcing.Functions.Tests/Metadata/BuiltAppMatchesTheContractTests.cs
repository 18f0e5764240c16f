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
        // Routes + fallback + 4 timers + orchestrator + activity (+ the two Kafka triggers when they are built).
        var expected = ApiRoutes.All.Count + 1 + 4 + 2 + (BuiltApp.KafkaTriggerExcluded ? 0 : 2);

        Assert.Equal(expected, _functions.Count);
        Assert.Equal(_functions.Count, _functions.Select(f => f.Name).Distinct().Count());
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
