using System.Reflection;
using PublicApiGenerator;

namespace Serverless.EventSourcing.Application.Tests.Packaging;

/// <summary>
/// Each package's public API, as PublicApiGenerator writes it, is recorded in api/&lt;assembly&gt;.txt: a change to what a
/// user compiles against shows as a diff of that file in review, not as a surprise after release. A deliberate change
/// is accepted by running the suite once with UPDATE_PUBLIC_API=1 and committing the files.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Packages => [.. FrameworkPackages.Assemblies.Select(a => a.GetName().Name!)];

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_api_is_the_recorded_one(string package)
    {
        var assembly = FrameworkPackages.Assemblies.Single(a => a.GetName().Name == package);
        var actual = Generate(assembly);
        var recorded = Path.Combine(FrameworkPackages.Root, "api", package + ".txt");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(recorded)!);
            File.WriteAllText(recorded, actual);
        }

        Assert.True(File.Exists(recorded), $"{recorded} is missing: run the tests with UPDATE_PUBLIC_API=1 and commit it.");
        var expected = File.ReadAllText(recorded).ReplaceLineEndings("\n");
        Assert.True(expected == actual, $"The public API of {package} changed (run with UPDATE_PUBLIC_API=1 to accept it):\n{Difference(expected, actual)}");
    }

    // The compiler names an async method's state machine by its place in the type (<ReadAllAsync>d__7): recorded, every
    // private method added above one would read as a change of the public API.
    private static readonly string[] CompilerAttributes =
    [
        "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
        "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
        "System.Runtime.CompilerServices.IteratorStateMachineAttribute",
    ];

    private static string Generate(Assembly assembly) =>
        assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false, ExcludeAttributes = CompilerAttributes }).ReplaceLineEndings("\n") + "\n";

    /// <summary>The lines only one side has, so the failure shows what was added and removed.</summary>
    private static string Difference(string expected, string actual)
    {
        var before = expected.Split('\n').Select(l => l.Trim()).ToHashSet();
        var after = actual.Split('\n').Select(l => l.Trim()).ToHashSet();
        var removed = before.Except(after).Where(l => l.Length > 1).Take(40).Select(l => "- " + l);
        var added = after.Except(before).Where(l => l.Length > 1).Take(40).Select(l => "+ " + l);
        return string.Join('\n', removed.Concat(added));
    }
}
