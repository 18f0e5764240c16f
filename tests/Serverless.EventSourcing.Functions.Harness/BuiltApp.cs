using System.Reflection;

namespace Serverless.EventSourcing.Functions.Harness;

/// <summary>What the build of the Functions app this project references produced.</summary>
public static class BuiltApp
{
    /// <summary>The functions.metadata the worker SDK generated.</summary>
    public static string MetadataPath => Path.GetFullPath(Value("FunctionsMetadataPath").Replace('\\', '/'));

    /// <summary>True when the build left the KafkaTrigger files out (-p:ExcludeKafkaTrigger=true, as test.sh builds).</summary>
    public static bool KafkaTriggerExcluded => string.Equals(Value("ExcludeKafkaTrigger"), "true", StringComparison.OrdinalIgnoreCase);

    public static Assembly Assembly => typeof(FunctionsAppServices).Assembly;

    private static string Value(string key) =>
        typeof(BuiltApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value ?? "";
}
