namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>A route the local host serves under <c>/api</c>; <see cref="Anonymous"/> is null when its name is not in ApiRoutes.All.</summary>
public sealed record LocalRoute(string Name, string Method, string Template, bool? Anonymous);

/// <summary>Compares the local host's routes with the Functions app's HTTP triggers, both ways.</summary>
internal static class RouteParity
{
    public static IReadOnlyList<string> FindDrift(IReadOnlyList<LocalRoute> localRoutes, IReadOnlyList<HttpTriggerFunction> functions)
    {
        var drift = new List<string>();
        var functionsByName = functions.GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var route in localRoutes)
        {
            var served = $"{route.Method} /api/{route.Template}";
            if (route.Anonymous is null)
            {
                drift.Add($"Local endpoint {route.Name} ({served}) is not in ApiRoutes.All");
            }

            if (!functionsByName.TryGetValue(route.Name, out var function))
            {
                drift.Add($"Local route {route.Name} ({served}) has no HttpTrigger function named {route.Name}");
                continue;
            }

            drift.AddRange(Compare(route, function).Select(d => $"{function.Name} ({function.Location}): {d}"));
        }

        var localNames = localRoutes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        drift.AddRange(functions
            .Where(f => !localNames.Contains(f.Name))
            .Select(f => $"HttpTrigger function {f.Name} ({string.Join(",", f.Methods)} {f.Route}, {f.Location}) has no local-host route"));
        return drift;
    }

    private static IEnumerable<string> Compare(LocalRoute route, HttpTriggerFunction function)
    {
        var methods = function.Methods.Select(m => m.ToUpperInvariant()).ToList();
        if (methods is not [var only] || only != route.Method.ToUpperInvariant())
        {
            yield return $"HttpTrigger methods [{string.Join(", ", methods)}] but the local host serves {route.Method}";
        }

        if (function.Route != route.Template)
        {
            yield return $"HttpTrigger Route '{function.Route}' but the local host serves /api/{route.Template}";
        }

        var expectedAuth = route.Anonymous == true ? "Anonymous" : "Function";
        if (function.AuthLevel != expectedAuth)
        {
            yield return $"AuthorizationLevel.{function.AuthLevel} but the route is {(route.Anonymous == true ? "anonymous" : "keyed")}: expected AuthorizationLevel.{expectedAuth}";
        }

        var templateParameters = FunctionsSourceModel.RouteTemplateParameters(route.Template);
        if (!templateParameters.ToHashSet(StringComparer.Ordinal).SetEquals(function.BoundParameters))
        {
            yield return $"binds parameters [{string.Join(", ", function.BoundParameters)}] but the route has [{string.Join(", ", templateParameters)}]";
        }

        if (function.DispatchedRoute != function.Name)
        {
            yield return $"dispatches route '{function.DispatchedRoute ?? "(none)"}' instead of its own name";
        }
    }
}
