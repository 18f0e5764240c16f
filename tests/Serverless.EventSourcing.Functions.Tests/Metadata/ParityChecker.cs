using Serverless.EventSourcing.Application.Api;

namespace Serverless.EventSourcing.Functions.Tests.Metadata;

/// <summary>What the application layer and the local host define, which the built Functions app must serve exactly.</summary>
public sealed record AppContract(
    IReadOnlyList<ApiRoute> Routes,
    IReadOnlyList<string> TimerSchedules,
    IReadOnlyList<string> Orchestrators,
    IReadOnlyList<string> Activities,
    IReadOnlyList<string> KafkaTriggers);

/// <summary>
/// Compares the built app (its functions.metadata) with the contract, both ways: every route has an HTTP trigger with
/// the same name, template and method, and leaves authentication to the API (auth level Anonymous), and no trigger exists that the contract lacks; timers run on
/// <c>%Setting%</c> schedules the contract names; orchestrators, activities and Kafka triggers are the expected ones.
/// </summary>
public static class ParityChecker
{
    public static IReadOnlyList<string> Compare(IReadOnlyList<FunctionEntry> functions, AppContract contract)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(contract);
        var problems = new List<string>();
        var byName = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);

        foreach (var route in contract.Routes)
        {
            if (!byName.TryGetValue(route.Name, out var function) || function.Trigger.Type != "httpTrigger")
            {
                problems.Add($"{route.Name}: the route table has {Describe(route)} but the app has no HTTP function of that name");
                continue;
            }

            var trigger = function.Trigger;
            var methods = trigger.Methods.Select(m => m.ToLowerInvariant()).Order().ToList();
            var expectedMethods = route.Method == "*" ? [] : new List<string> { route.Method };
            if (!methods.SequenceEqual(expectedMethods))
            {
                problems.Add($"{route.Name}: methods [{string.Join(", ", methods)}] but the route table says {route.Method}");
            }

            if (!string.Equals(trigger.Route, route.Template, StringComparison.Ordinal))
            {
                problems.Add($"{route.Name}: route '{trigger.Route}' but the route table says '{route.Template}'");
            }

            // The API's dispatcher authenticates in both hosts; a host-level key would refuse bearer-token callers first.
            const string expectedAuth = "Anonymous";
            if (!string.Equals(trigger.AuthLevel, expectedAuth, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{route.Name}: auth level {trigger.AuthLevel} but the route table says {expectedAuth}");
            }
        }

        var routeNames = contract.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(functions
            .Where(f => f.Trigger.Type == "httpTrigger" && !routeNames.Contains(f.Name))
            .Select(f => $"{f.Name}: HTTP function serving {string.Join(",", f.Trigger.Methods)} {f.Trigger.Route} is not in the route table"));

        var schedules = functions.Where(f => f.Trigger.Type == "timerTrigger").Select(f => (f.Name, f.Trigger.Schedule)).ToList();
        problems.AddRange(schedules
            .Where(t => t.Schedule is null || !contract.TimerSchedules.Any(s => t.Schedule == $"%{s}%"))
            .Select(t => $"{t.Name}: timer schedule '{t.Schedule}' is not a %Setting% of the schedules the hosts define"));
        problems.AddRange(contract.TimerSchedules
            .Where(s => !schedules.Any(t => t.Schedule == $"%{s}%"))
            .Select(s => $"no timer runs on %{s}%"));

        problems.AddRange(SameNames("orchestrationTrigger", contract.Orchestrators, functions));
        problems.AddRange(SameNames("activityTrigger", contract.Activities, functions));
        problems.AddRange(SameNames("kafkaTrigger", contract.KafkaTriggers, functions));
        return problems;
    }

    private static IEnumerable<string> SameNames(string triggerType, IReadOnlyList<string> expected, IReadOnlyList<FunctionEntry> functions)
    {
        var actual = functions.Where(f => string.Equals(f.Trigger.Type, triggerType, StringComparison.OrdinalIgnoreCase)).Select(f => f.Name).ToList();
        foreach (var missing in expected.Except(actual, StringComparer.Ordinal))
        {
            yield return $"no {triggerType} function named {missing}";
        }

        foreach (var extra in actual.Except(expected, StringComparer.Ordinal))
        {
            yield return $"{extra}: {triggerType} function that the contract does not name";
        }
    }

    private static string Describe(ApiRoute route) => $"{route.Method.ToUpperInvariant()} {route.Template}";
}
