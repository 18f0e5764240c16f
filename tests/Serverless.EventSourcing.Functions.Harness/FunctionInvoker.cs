using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.EventSourcing.Functions.Harness;

/// <summary>
/// Calls a function's entry point as the worker would: an instance of its class from the app's services, trigger
/// inputs passed by type (the given ones first, then services such as a Durable client, then the cancellation token).
/// </summary>
public static class FunctionInvoker
{
    public static MethodInfo EntryPoint(FunctionEntry function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var split = function.EntryPoint.LastIndexOf('.');
        var type = typeof(FunctionsAppServices).Assembly.GetType(function.EntryPoint[..split], throwOnError: true)!;
        return type.GetMethod(function.EntryPoint[(split + 1)..]) ?? throw new InvalidOperationException($"No method {function.EntryPoint}.");
    }

    public static MethodInfo EntryPoint(string functionName) =>
        EntryPoint(FunctionsMetadata.Load().Single(f => f.Name == functionName));

    public static async Task<T> InvokeAsync<T>(MethodInfo method, IServiceProvider services, CancellationToken ct, params object[] inputs)
    {
        ArgumentNullException.ThrowIfNull(method);
        var instance = ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(CancellationToken) ? ct
            : inputs.FirstOrDefault(p.ParameterType.IsInstanceOfType)
              ?? services.GetService(p.ParameterType)
              ?? throw new InvalidOperationException($"{method.Name}: nothing to pass as {p.ParameterType.Name} {p.Name}.")).ToArray();
        var task = (Task)method.Invoke(instance, arguments)!;
        await task;
        return task is Task<T> typed ? typed.Result : default!;
    }
}
