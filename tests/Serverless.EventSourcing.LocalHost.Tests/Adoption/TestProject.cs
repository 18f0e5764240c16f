namespace Serverless.EventSourcing.LocalHost.Tests.Adoption;

/// <summary>A project a test writes outside the repository (a generated client's, a user's app) and builds, as a user would.</summary>
internal static class TestProject
{
    /// <summary>
    /// Writes <c>{name}.csproj</c> in <paramref name="directory"/> (net10.0, nullable and implicit usings on, plus
    /// <paramref name="properties"/>) with these package references, builds it into <c>out/</c> and returns that folder.
    /// </summary>
    public static async Task<string> BuildAsync(string directory, string name, string sdk, string properties, IEnumerable<(string Id, string Version)> packages, string describe)
    {
        var references = string.Concat(packages.Select(p => $"""    <PackageReference Include="{p.Id}" Version="{p.Version}" />{"\n"}"""));
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
            {properties}  </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        var output = Path.Combine(directory, "out");
        var built = await ToolRunner.RunAsync("dotnet", ["build", "-c", "Release", "--nologo", "-v", "quiet", "--disable-build-servers", "-o", output], directory, TimeSpan.FromMinutes(8));
        Assert.True(built.ExitCode == 0, $"{describe} does not build:\n{built.Output}");
        return output;
    }
}
