using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.EventSourcing.LocalHost.Tests.Edge;

/// <summary>
/// A page served from another origin (its own Kestrel on another port), allowed by the API's <c>Cors:AllowedOrigins</c>,
/// and a throwaway OIDC issuer for the token an <c>EventSource</c> carries in <c>access_token</c>.
/// </summary>
public sealed class BrowserCorsFixture : LocalHostFixture
{
    private WebApplication? _pages;
    private OidcIssuer? _issuer;

    public Uri PageOrigin { get; private set; } = null!;

    public OidcIssuer Issuer => _issuer!;

    /// <summary>What the page posted back to its own origin, once it has.</summary>
    public TaskCompletionSource<string> Result { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The HTML the page server answers at <c>/</c>.</summary>
    public string Page { get; set; } = "";

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins"] = PageOrigin.GetLeftPart(UriPartial.Authority),
        ["Auth:Authority"] = _issuer!.Issuer,
        ["Auth:Audiences"] = OidcIssuer.Audience,
        ["Auth:RequireHttpsMetadata"] = "false",
    };

    public override async Task InitializeAsync()
    {
        _issuer = await OidcIssuer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0"); // another port: another origin than the API
        _pages = builder.Build();
        _pages.MapGet("/", () => Results.Content(Page, "text/html"));
        _pages.MapPost("/result", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            Result.TrySetResult(await reader.ReadToEndAsync());
            return Results.NoContent();
        });
        await _pages.StartAsync();
        PageOrigin = new Uri(_pages.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_pages is not null)
        {
            await _pages.DisposeAsync();
        }

        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }
    }
}

/// <summary>Headless Chromium (Debian's package, installed by the test command) on another origin: fetch with a preflight, and a real EventSource.</summary>
public sealed class BrowserCorsTests(BrowserCorsFixture host) : IClassFixture<BrowserCorsFixture>
{
    [Fact]
    public async Task A_page_on_an_allowed_origin_appends_with_a_preflighted_fetch_reads_the_ETag_and_gets_the_event_through_EventSource()
    {
        var stream = $"note-{Http.NewId()}";
        var token = host.Issuer.Token("browser-user", [Application.Security.BuiltInRoles.Admin]);
        host.Page = $$"""
            <!doctype html><html><body><script>
            const api = {{JsonSerializer.Serialize(host.BaseAddress.GetLeftPart(UriPartial.Authority))}};
            const stream = {{JsonSerializer.Serialize(stream)}};
            const token = {{JsonSerializer.Serialize(token)}};
            async function run() {
              const out = {};
              try {
                // Authorization and Idempotency-Key are not safelisted: the browser preflights this request.
                const r = await fetch(`${api}/api/streams/${stream}/events`, { method: 'POST',
                  headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}`, 'idempotency-key': `k-${stream}` },
                  body: JSON.stringify({ events: [{ type: 'noted', data: { n: 1 } }] }) });
                out.appendStatus = r.status;
                out.etag = r.headers.get('ETag');
                out.correlation = r.headers.get('x-correlation-id');
                out.event = await new Promise((resolve, reject) => {
                  const source = new EventSource(`${api}/api/streams/${stream}/live?fromVersion=1&access_token=${encodeURIComponent(token)}`);
                  source.addEventListener('noted', e => { source.close(); resolve({ id: e.lastEventId, version: JSON.parse(e.data).streamVersion }); });
                  source.onerror = () => { source.close(); reject(new Error(`EventSource failed, readyState ${source.readyState}`)); };
                });
              } catch (e) { out.error = String(e); }
              await fetch('/result', { method: 'POST', body: JSON.stringify(out) });
            }
            run();
            </script></body></html>
            """;

        var profile = Directory.CreateTempSubdirectory("chromium-");
        using var browser = Process.Start(new ProcessStartInfo(Chromium(),
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", $"--user-data-dir={profile.FullName}", host.PageOrigin.ToString()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        browser.ErrorDataReceived += (_, _) => { };
        browser.BeginErrorReadLine();
        browser.BeginOutputReadLine();
        try
        {
            var posted = await host.Result.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var result = JsonDocument.Parse(posted);
            var root = result.RootElement;
            Assert.False(root.TryGetProperty("error", out var error), $"the page failed: {error}");
            Assert.Equal(201, root.GetProperty("appendStatus").GetInt32());
            Assert.Equal("\"1\"", root.GetProperty("etag").GetString());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("correlation").GetString()));
            Assert.Equal("1", root.GetProperty("event").GetProperty("id").GetString());
            Assert.Equal(1, root.GetProperty("event").GetProperty("version").GetInt32());
        }
        finally
        {
            browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync();
            profile.Delete(recursive: true);
        }
    }

    /// <summary>CHROMIUM_PATH, or Debian's package; missing is a failure (the test command installs it).</summary>
    private static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        return File.Exists(path) ? path : throw new InvalidOperationException($"No Chromium at {path}: run ./test.sh (it installs Debian's chromium) or set CHROMIUM_PATH.");
    }
}
