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
/// <summary>The solution packed once into a folder feed, with a NuGet.config that adds it beside the machine's sources, and a database.</summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>The tests that share one pack (and run one after the other: they build and pack).</summary>
    public const string Collection = "packed feed";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("es-own-app-").FullName;

    public PostgresDatabase Database { get; } = new();

    /// <summary>The version every package of this pack has.</summary>
    public string Version { get; private set; } = "";

    public string Feed => Path.Combine(Directory, "feed");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var packed = await ToolRunner.RunAsync("dotnet", ["pack", "Serverless.EventSourcing.sln", "-c", ToolRunner.Configuration, "--no-build", "--no-restore", "--nologo", "-o", Feed, "-p:ExcludeKafkaTrigger=true"], ToolRunner.Root, TimeSpan.FromMinutes(5));
        Assert.True(packed.ExitCode == 0, packed.Output);
        var kernel = Path.GetFileName(System.IO.Directory.GetFiles(Feed, "Serverless.EventSourcing.Kernel.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal)));
        Version = kernel["Serverless.EventSourcing.Kernel.".Length..^".nupkg".Length];
        await ForgetCachedCopiesAsync();
        // Our feed beside the sources this machine already has (no <clear/>): third-party packages come from there.
        await File.WriteAllTextAsync(Path.Combine(Directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="serverless-eventsourcing" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>
    /// Removes this version of our packages from NuGet's global packages folder: the version comes from the commit
    /// height, so a pack of uncommitted changes has the same version as the last one, and restore would take the
    /// cached copy instead of the feed's.
    /// </summary>
    private async Task ForgetCachedCopiesAsync()
    {
        var (exitCode, output) = await ToolRunner.RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"], Directory, TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, output);
        var folder = output.Trim().Split(": ", 2)[^1].Trim();
        foreach (var package in System.IO.Directory.GetFiles(Feed, "*.nupkg"))
        {
            var id = Path.GetFileName(package)[..^$".{Version}.nupkg".Length].ToLowerInvariant();
            var cached = Path.Combine(folder, id, Version.ToLowerInvariant());
            if (System.IO.Directory.Exists(cached))
            {
                System.IO.Directory.Delete(cached, recursive: true);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

[CollectionDefinition(PackedFeed.Collection)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>;

[Collection(PackedFeed.Collection)]
public sealed class OwnAppFromPackagesTests(PackedFeed packed)
{
    private readonly string _directory = packed.Directory;
    private readonly string _version = packed.Version;
    private readonly PostgresDatabase _database = packed.Database;

    [Fact]
    public async Task A_local_host_of_our_own_serves_its_module_and_a_functions_app_gets_every_function_from_the_package()
    {
        var localHost = await BuildAsync("LocalHost", "Microsoft.NET.Sdk.Web", "LocalHostProgram.cs", ["Serverless.EventSourcing.AspNetCore"], "");
        var functions = await BuildAsync("FunctionsApp", "Microsoft.NET.Sdk", "FunctionsProgram.cs", ["Serverless.EventSourcing.AzureFunctions"], """
                <OutputType>Exe</OutputType>
                <AzureFunctionsVersion>v4</AzureFunctionsVersion>
            """, ("Microsoft.Azure.Functions.Worker.Sdk", ClientTools.PackageVersion("Microsoft.Azure.Functions.Worker.Sdk")));

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
            await ReadyAsync(client, process, TimeSpan.FromSeconds(60));
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

    [Fact]
    public async Task The_template_makes_a_backend_that_builds_passes_its_tests_and_serves_its_domain()
    {
        var watch = Stopwatch.StartNew();
        var hive = Path.Combine(_directory, "template-hive"); // templates installed here, not in the user's own list
        var template = Directory.GetFiles(packed.Feed, "Serverless.EventSourcing.Templates.*.nupkg").Single();
        var installed = await ToolRunner.RunAsync("dotnet", ["new", "install", template, "--debug:custom-hive", hive], _directory, TimeSpan.FromMinutes(2));
        Assert.True(installed.ExitCode == 0, installed.Output);
        var created = await ToolRunner.RunAsync("dotnet", ["new", "es-backend", "-n", "Acme.Shop", "--debug:custom-hive", hive], _directory, TimeSpan.FromMinutes(2));
        Assert.True(created.ExitCode == 0, created.Output);
        var backend = Path.Combine(_directory, "Acme.Shop");
        foreach (var expected in new[] { "Acme.Shop.sln", "host.json", "local.settings.sample.json", "run.sh", "test.sh", "README.md", "infra/main.bicep", "src/Acme.Shop.Domain/Migrations/0001_order_summaries.sql", "src/Acme.Shop.Functions/Program.cs", "tests/Acme.Shop.Tests/OrderRulesTests.cs" })
        {
            Assert.True(File.Exists(Path.Combine(backend, expected)), $"the template made no {expected}");
        }

        Assert.StartsWith("./run.sh", File.ReadLines(Path.Combine(backend, "README.md")).First(l => l.StartsWith("| **run** |", StringComparison.Ordinal))["| **run** | `".Length..], StringComparison.Ordinal);

        // The scripts are executable (packages keep no file modes; the template's post action sets them), and its own
        // test command builds both apps (the Functions app from the package's functions) and runs its tests.
        foreach (var script in new[] { "run.sh", "test.sh" })
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.True(File.GetUnixFileMode(Path.Combine(backend, script)).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
            }
        }

        var tested = await ToolRunner.RunAsync(Path.Combine(backend, "test.sh"), [], backend, TimeSpan.FromMinutes(10));
        Assert.True(tested.ExitCode == 0, $"the generated backend's test.sh failed:\n{tested.Output}");
        // Its three aggregate tests and the two on its own throwaway PostgreSQL (through the typed client) all ran.
        var passed = System.Text.RegularExpressions.Regex.Match(tested.Output, @"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+(\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5, tested.Output);
        Assert.True(File.Exists(Path.Combine(backend, "src/Acme.Shop.Functions/bin/Release/net10.0/functions.metadata")), "no functions.metadata");

        // Its run command: a private PostgreSQL under .data/ and the local host, as its README's first line says.
        await RunScriptServesAsync(backend);

        // Its local host: a command, the aggregate, and the projection's read model on real PostgreSQL.
        var port = FreePort();
        using var process = Start(Path.Combine(backend, "src/Acme.Shop.LocalHost/bin/Release/net10.0/Acme.Shop.LocalHost.dll"), port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            client.DefaultRequestHeaders.Add("x-functions-key", "own-app-key");
            await ReadyAsync(client, process, TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/aggregates/order/7/commands/create", Http.Json(new { customer = "Ada" }))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/aggregates/order/7/commands/add-item", Http.Json(new { sku = "book", quantity = 2, unitPrice = 1500 }))).StatusCode);
            var summary = await EventuallyAsync(client, "/api/read/orders/7", s => s.GetProperty("total").GetInt64() == 3000);
            Assert.Equal("Ada", summary.GetProperty("customer").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        Console.WriteLine($"template test: {watch.Elapsed.TotalSeconds:0} s");
    }

    private static async Task RunScriptServesAsync(string backend)
    {
        // Two ports at once: taken one after the other, the same one can come back (RunScriptPorts).
        var ports = RunScript.RunScriptPorts.Free();
        var (api, postgres) = (ports.Api, ports.Postgres);
        var info = new ProcessStartInfo("setsid", [Path.Combine(backend, "run.sh")]) { WorkingDirectory = backend, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{api}";
        info.Environment["RUN_PG_PORT"] = postgres.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment.Remove("Postgres__ConnectionString");
        // The test's temp directory is private (0700), which the postgres user a root run.sh starts cannot enter.
        var data = Path.Combine(Path.GetTempPath(), "es-template-run-" + Guid.NewGuid().ToString("N"));
        info.Environment["RUN_DATA_DIR"] = data;
        using var run = Process.Start(info)!;
        var output = new StringBuilder();
        run.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        run.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api}") };
            await ReadyAsync(client, run, TimeSpan.FromMinutes(3), () => { lock (output) { return output.ToString(); } });

            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/aggregates/order/run-1/commands/create", Http.Json(new { customer = "Ada" }))).StatusCode);
        }
        finally
        {
            // SIGTERM to the whole group (setsid): run.sh's trap stops its PostgreSQL as the host ends.
            using var kill = Process.Start("kill", ["-TERM", "--", "-" + run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await run.WaitForExitAsync(stopped.Token);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            return (await client.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<JsonElement> EventuallyAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK && await response.JsonAsync() is var body && done(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} did not get there within 30 s (last: {(int)response.StatusCode})");
            await Task.Delay(200);
        }
    }

    /// <returns>The build's output directory.</returns>
    private async Task<string> BuildAsync(string name, string sdk, string program, string[] packages, string properties, params (string Id, string Version)[] others)
    {
        var project = Path.Combine(_directory, name);
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Adoption", "OwnApp", program), Path.Combine(project, "Program.cs"));
        File.Copy(Path.Combine(ToolRunner.Root, "host.json"), Path.Combine(project, "host.json"));
        return await TestProject.BuildAsync(project, name, sdk, properties, packages.Select(p => (p, _version)).Concat(others), $"{name}, from the packages,");
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

    /// <param name="output">What the process printed, for the failure message.</param>
    private static async Task ReadyAsync(HttpClient client, Process process, TimeSpan within, Func<string>? output = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (await TryGetAsync(client, "/api/ready") != HttpStatusCode.OK)
        {
            Assert.False(process.HasExited, $"the app exited with {(process.HasExited ? process.ExitCode : 0)}:\n{output?.Invoke()}");
            Assert.True(DateTime.UtcNow < deadline, $"the app did not become ready within {within.TotalSeconds:0} s:\n{output?.Invoke()}");
            await Task.Delay(250);
        }
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
