using System.Diagnostics;
using System.Net;
using Serverless.EventSourcing.LocalHost.Tests.OpenApi;

namespace Serverless.EventSourcing.LocalHost.Tests.Adoption;

/// <summary>
/// A team's own apps outside this repository, from the packages alone: the solution is packed to a folder feed, a local
/// host and a Functions app are written in a temp directory that restores from that feed beside the normal source, both
/// are built, and the local host serves a command of its own module against real PostgreSQL. One class: the builds run
/// one after the other.
/// </summary>
public sealed class OwnAppFromPackagesTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("es-own-app-").FullName;
    private readonly PostgresDatabase _database = new();
    private string _version = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var feed = Path.Combine(_directory, "feed");
        var packed = await ToolRunner.RunAsync("dotnet", ["pack", "Serverless.EventSourcing.sln", "-c", ToolRunner.Configuration, "--no-build", "--no-restore", "--nologo", "-o", feed, "-p:ExcludeKafkaTrigger=true"], ToolRunner.Root, TimeSpan.FromMinutes(5));
        Assert.True(packed.ExitCode == 0, packed.Output);
        var kernel = Path.GetFileName(Directory.GetFiles(feed, "Serverless.EventSourcing.Kernel.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal)));
        _version = kernel["Serverless.EventSourcing.Kernel.".Length..^".nupkg".Length];
        // Our feed beside the sources this machine already has (no <clear/>): third-party packages come from there.
        await File.WriteAllTextAsync(Path.Combine(_directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="serverless-eventsourcing" value="{feed}" />
              </packageSources>
            </configuration>
            """);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_local_host_of_our_own_serves_its_module_and_a_functions_app_gets_every_function_from_the_package()
    {
        var localHost = await BuildAsync("LocalHost", "Microsoft.NET.Sdk.Web", "LocalHostProgram.cs", ["Serverless.EventSourcing.AspNetCore"], "");
        var functions = await BuildAsync("FunctionsApp", "Microsoft.NET.Sdk", "FunctionsProgram.cs", ["Serverless.EventSourcing.AzureFunctions"], """
                <OutputType>Exe</OutputType>
                <AzureFunctionsVersion>v4</AzureFunctionsVersion>
            """, $"""    <PackageReference Include="Microsoft.Azure.Functions.Worker.Sdk" Version="{ClientTools.PackageVersion("Microsoft.Azure.Functions.Worker.Sdk")}" />{"\n"}""");

        // The Functions app: the same functions as ours, all run from the package's assembly.
        var ours = FunctionNames(File.ReadAllText(Path.Combine(ToolRunner.Root, "src/Hosts/Functions/bin/Release/net10.0/functions.metadata")));
        var theirs = File.ReadAllText(Path.Combine(functions, "functions.metadata"));
        Assert.Equal(ours, FunctionNames(theirs));
        Assert.DoesNotContain("\"scriptFile\": \"FunctionsApp.dll\"", theirs, StringComparison.Ordinal);

        // The local host: its own module's command over HTTP, on real PostgreSQL.
        var port = FreePort();
        using var process = Start(Path.Combine(localHost, "LocalHost.dll"), port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            client.DefaultRequestHeaders.Add("x-functions-key", "own-app-key");
            await ReadyAsync(client, process);
            var opened = await client.PostAsync("/api/aggregates/ticket/1/commands/open", Http.Json(new { title = "Printer on fire" }));
            var again = await client.PostAsync("/api/aggregates/ticket/1/commands/open", Http.Json(new { title = "Printer on fire" }));
            var state = await (await client.GetAsync("/api/aggregates/ticket/1")).JsonAsync();

            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.Equal("ticket_open", (await again.ProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("ruleCode").GetString());
            Assert.Equal("Printer on fire", state.GetProperty("state").GetProperty("title").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <returns>The build's output directory.</returns>
    private async Task<string> BuildAsync(string name, string sdk, string program, string[] packages, string properties, string extraReferences = "")
    {
        var project = Path.Combine(_directory, name);
        Directory.CreateDirectory(project);
        var references = string.Concat(packages.Select(p => $"""    <PackageReference Include="{p}" Version="{_version}" />{"\n"}""")) + extraReferences;
        await File.WriteAllTextAsync(Path.Combine(project, name + ".csproj"), $"""
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
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Adoption", "OwnApp", program), Path.Combine(project, "Program.cs"));
        File.Copy(Path.Combine(ToolRunner.Root, "host.json"), Path.Combine(project, "host.json"));
        var output = Path.Combine(project, "out");
        var built = await ToolRunner.RunAsync("dotnet", ["build", "-c", "Release", "--nologo", "-v", "quiet", "--disable-build-servers", "-o", output], project, TimeSpan.FromMinutes(8));
        Assert.True(built.ExitCode == 0, $"{name} does not build from the packages:\n{built.Output}");
        return output;
    }

    private Process Start(string dll, int port)
    {
        var info = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.Environment["urls"] = $"http://127.0.0.1:{port}";
        info.Environment["Postgres__ConnectionString"] = _database.ConnectionString;
        info.Environment["Api__Key"] = "own-app-key";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task ReadyAsync(HttpClient client, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"the app exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                if ((await client.GetAsync("/api/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        Assert.Fail("the app did not become ready within 60 s");
    }

    private static List<string> FunctionNames(string metadata)
    {
        using var document = System.Text.Json.JsonDocument.Parse(metadata);
        return [.. document.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
