// The README walk-through through a client Kiota generated from /api/openapi.json (built and run by GeneratedClientTests).
// Arguments: the host's base URL and an API key. Exit code 0 and "walk-through passed" when every step held.
using Generated.Kiota;
using Generated.Kiota.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

// Kiota's ApiKeyAuthenticationProvider refuses plain http, which the local host serves; the key goes as a default header of
// Kiota's own HttpClient (its retry, redirect and header middleware) instead.
using var http = KiotaClientFactory.Create();
http.DefaultRequestHeaders.Add("x-functions-key", args[1]);
using var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = args[0].TrimEnd('/') };
var client = new BankClient(adapter);
var id = "kiota-" + Guid.NewGuid().ToString("N")[..8];
var account = client.Api.Aggregates.Account[id];

// 1. Open, with an Idempotency-Key: the retry answers the first result again.
var opened = await account.Commands.Open.PostAsync(new AccountOpenCommand { Owner = "Ada", Currency = "EUR" }, c => c.Headers.Add("Idempotency-Key", "open-" + id));
var retried = await account.Commands.Open.PostAsync(new AccountOpenCommand { Owner = "Ada", Currency = "EUR" }, c => c.Headers.Add("Idempotency-Key", "open-" + id));
Check(opened!.Status == CommandResult_status.Succeeded && opened.Version == 1, $"open: {opened.Status} v{opened.Version}");
Check(retried!.Version == 1 && retried.CommandId == opened.CommandId, "the retried open is the first result");

// 2. Deposit 25.00 EUR with a correlation id.
var deposited = await account.Commands.Deposit.PostAsync(new AccountDepositCommand { Amount = 2500, Currency = "EUR" }, c => c.Headers.Add("x-correlation-id", "demo-" + id));
Check(deposited!.Version == 2, "deposit");

// 3. Read the stream one event per page, following nextVersion.
var types = new List<string>();
long? from = null;
do
{
    var page = await client.Api.Streams["account-" + id].Events.GetAsync(c => { c.QueryParameters.Limit = 1; c.QueryParameters.FromVersion = from; });
    Check(page!.Events!.Count == 1 && page.Version == 2, "a page of one event");
    types.Add(page.Events[0].Type!);
    from = page.NextVersion;
}
while (from is not null);
Check(types.SequenceEqual(["AccountOpened", "MoneyDeposited"]), "paged read: " + string.Join(",", types));
Check(types.Count == 2, "two pages");

// 4. A stale If-Match is a typed 412 with the current version.
try
{
    await account.Commands.Withdraw.PostAsync(new AccountWithdrawCommand { Amount = 100, Currency = "EUR" }, c => c.Headers.Add("If-Match", "\"1\""));
    Check(false, "a stale If-Match was accepted");
}
catch (Problem problem) when (problem.ResponseStatusCode == 412)
{
    Check(problem.CurrentVersion == 2, $"412 names the current version ({problem.CurrentVersion})");
}

// 5. Time travel: the account at version 1 had no money.
var past = await account.GetAsync(c => c.QueryParameters.AsOfVersion = 1);
Check(past!.Version == 1 && past.State!.Balance == 0, "as of version 1");
var now = await account.GetAsync();
Check(now!.State!.Balance == 2500, "now");

// 6. A rule refusal is a typed 422 naming the rule.
try
{
    await account.Commands.Withdraw.PostAsync(new AccountWithdrawCommand { Amount = 1_000_000, Currency = "EUR" });
    Check(false, "an overdraft was accepted");
}
catch (Problem problem) when (problem.ResponseStatusCode == 422)
{
    Check(problem.RuleCode == "insufficient_funds", "422 " + problem.RuleCode);
}

Console.WriteLine("walk-through passed");

static void Check(bool condition, string step)
{
    if (!condition)
    {
        Console.Error.WriteLine("FAILED: " + step);
        Environment.Exit(1);
    }
}
