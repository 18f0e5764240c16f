using System.Text.Json;

namespace Serverless.EventSourcing.Functions.Harness;

/// <summary>One binding of a function as the worker SDK describes it in functions.metadata.</summary>
public sealed record FunctionBinding(string Name, string Type, string Direction, string? Route, IReadOnlyList<string> Methods, string? AuthLevel, string? Schedule)
{
    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every string the host resolves <c>%Setting%</c> expressions in.</summary>
    public IEnumerable<string> SettingExpressions => new[] { Route, Schedule }.OfType<string>();
}

/// <summary>A function of the built app: its name, the method the host invokes, and its bindings.</summary>
public sealed record FunctionEntry(string Name, string EntryPoint, IReadOnlyList<FunctionBinding> Bindings)
{
    public FunctionBinding Trigger => Bindings.Single(b => b.IsTrigger && b.Direction == "In");
}

/// <summary>Reads the functions.metadata file the Functions worker SDK generates at build time.</summary>
public static class FunctionsMetadata
{
    public static IReadOnlyList<FunctionEntry> Load() => Parse(File.ReadAllText(BuiltApp.MetadataPath));

    public static IReadOnlyList<FunctionEntry> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(function => new FunctionEntry(
            function.GetProperty("name").GetString()!,
            function.GetProperty("entryPoint").GetString()!,
            function.GetProperty("bindings").EnumerateArray().Select(ParseBinding).ToList())).ToList();
    }

    private static FunctionBinding ParseBinding(JsonElement binding) => new(
        binding.GetProperty("name").GetString()!,
        binding.GetProperty("type").GetString()!,
        binding.GetProperty("direction").GetString()!,
        Text(binding, "route"),
        binding.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!).ToList() : [],
        Text(binding, "authLevel"),
        Text(binding, "schedule"));

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
