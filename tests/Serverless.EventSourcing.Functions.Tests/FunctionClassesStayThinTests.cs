using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// What the metadata cannot show, read from the built assembly: function classes depend only on our own layers (no
/// data source, cache or broker client of their own), and every function body is a call of a few instructions.
/// </summary>
public sealed class FunctionClassesStayThinTests
{
    // A one-line delegation compiles to well under this; a loop, a try/catch or a SQL string would not fit.
    private const int MaxBodyBytes = 64;

    private static readonly IReadOnlyList<MethodInfo> Functions = typeof(FunctionsAppServices).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
        .ToList();

    [Fact]
    public void Function_classes_are_built_only_from_our_own_services()
    {
        var dependencies = Functions.Select(m => m.DeclaringType!).Distinct()
            .SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => (t.Name, p.ParameterType)))
            .ToList();

        Assert.NotEmpty(dependencies);
        Assert.All(dependencies, d => Assert.StartsWith("Serverless.EventSourcing.", d.ParameterType.Namespace, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_function_body_only_delegates()
    {
        Assert.NotEmpty(Functions);
        foreach (var function in Functions)
        {
            // An async method's own body is the state-machine stub; the orchestrator (a loop over one activity) is async.
            var size = function.GetMethodBody()!.GetILAsByteArray()!.Length;
            Assert.True(size <= MaxBodyBytes, $"{function.DeclaringType!.Name}.{function.Name} has {size} bytes of IL; a function only calls the application layer");
        }
    }
}
