using System.Text.Json.Nodes;
using Serverless.EventSourcing.Application.Api;

namespace Serverless.EventSourcing.Functions.Tests.Metadata;

/// <summary>The checker fails when either side changes: the built app's metadata or the route table.</summary>
public sealed class ParityCheckerCatchesDriftTests
{
    private static readonly string BuiltMetadata = File.ReadAllText(BuiltApp.MetadataPath);

    [Fact]
    public void A_route_changed_in_the_app_is_reported()
    {
        var functions = Mutate(f => f["name"]!.GetValue<string>() == "AppendEvents", b => b["route"] = "streams/{streamId}/evts");

        var problems = ParityChecker.Compare(functions, Contract.Current);

        Assert.Contains(problems, p => p.StartsWith("AppendEvents: route 'streams/{streamId}/evts'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_route_changed_in_the_route_table_is_reported()
    {
        var routes = ApiRoutes.All.Select(r => r.Name == "GetStream" ? r with { Template = "stream/{streamId}" } : r).Append(ApiRoutes.Fallback).ToList();

        var problems = ParityChecker.Compare(FunctionsMetadata.Parse(BuiltMetadata), Contract.Current with { Routes = routes });

        Assert.Contains(problems, p => p.StartsWith("GetStream: route 'streams/{streamId}'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_changed_method_or_auth_level_is_reported()
    {
        var functions = Mutate(f => f["name"]!.GetValue<string>() == "DeleteStream", b =>
        {
            b["methods"] = new JsonArray("post");
            b["authLevel"] = "Function";
        });

        var problems = ParityChecker.Compare(functions, Contract.Current);

        Assert.Contains("DeleteStream: methods [post] but the route table says delete", problems);
        Assert.Contains("DeleteStream: auth level Function but the route table says Anonymous", problems);
    }

    [Fact]
    public void A_function_missing_from_either_side_is_reported()
    {
        var withoutStats = FunctionsMetadata.Parse(BuiltMetadata).Where(f => f.Name != "Stats").ToList();
        var withoutHealth = Contract.Current with { Routes = Contract.Current.Routes.Where(r => r.Name != "Health").ToList() };

        Assert.Contains(ParityChecker.Compare(withoutStats, Contract.Current), p => p.StartsWith("Stats: the route table has GET stats", StringComparison.Ordinal));
        Assert.Contains(ParityChecker.Compare(FunctionsMetadata.Parse(BuiltMetadata), withoutHealth), p => p.StartsWith("Health: HTTP function serving get health is not in the route table", StringComparison.Ordinal));
    }

    [Fact]
    public void A_timer_on_a_literal_or_unknown_schedule_and_a_renamed_activity_are_reported()
    {
        var functions = Mutate(f => f["name"]!.GetValue<string>() == "CleanupJob", b => b["schedule"] = "0 0 * * * *");
        var renamed = Contract.Current with { Activities = ["AdvanceSagaStep"] };

        var problems = ParityChecker.Compare(functions, renamed);

        Assert.Contains("CleanupJob: timer schedule '0 0 * * * *' is not a %Setting% of the schedules the hosts define", problems);
        Assert.Contains("no timer runs on %Schedules:Cleanup%", problems);
        Assert.Contains("no activityTrigger function named AdvanceSagaStep", problems);
        Assert.Contains("AdvanceSaga: activityTrigger function that the contract does not name", problems);
    }

    private static IReadOnlyList<FunctionEntry> Mutate(Func<JsonNode, bool> which, Action<JsonNode> changeTrigger)
    {
        var document = JsonNode.Parse(BuiltMetadata)!.AsArray();
        var function = document.Single(f => which(f!))!;
        changeTrigger(function["bindings"]!.AsArray().First(b => b!["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))!);
        return FunctionsMetadata.Parse(document.ToJsonString());
    }
}
