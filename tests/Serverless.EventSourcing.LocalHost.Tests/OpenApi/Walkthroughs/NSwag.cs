// The README walk-through through a client NSwag generated from /api/openapi.json (built and run by GeneratedClientTests).
// Arguments: the host's base URL and an API key. Exit code 0 and "walk-through passed" when every step held.
using Generated.NSwag;

using var http = new HttpClient();
http.DefaultRequestHeaders.Add("x-functions-key", args[1]);
var client = new BankClient(http) { BaseUrl = args[0] };
var id = "nswag-" + Guid.NewGuid().ToString("N")[..8];

// 1. Open, with an Idempotency-Key: the retry answers the first result again.
var opened = await client.AccountOpenAsync(id, null, "open-" + id, null, null, new AccountOpenCommand { Owner = "Ada", Currency = "EUR" });
var retried = await client.AccountOpenAsync(id, null, "open-" + id, null, null, new AccountOpenCommand { Owner = "Ada", Currency = "EUR" });
Check(opened.Status == CommandResultStatus.Succeeded && opened.Version == 1, $"open: {opened.Status} v{opened.Version}");
Check(retried.Version == 1 && retried.CommandId == opened.CommandId, "the retried open is the first result");

// 2. Deposit 25.00 EUR with a correlation id.
var deposited = await client.AccountDepositAsync(id, null, null, "demo-" + id, null, new AccountDepositCommand { Amount = 2500, Currency = "EUR" });
Check(deposited.Version == 2, "deposit");

// 3. Read the stream one event per page, following nextVersion.
var types = new List<string>();
long? from = null;
do
{
    var page = await client.ReadStreamEventsAsync("account-" + id, from, 1, null);
    Check(page.Events.Count == 1 && page.Version == 2, "a page of one event");
    types.Add(page.Events.Single().Type);
    from = page.NextVersion;
}
while (from is not null);
Check(types.SequenceEqual(["AccountOpened", "MoneyDeposited"]), "paged read: " + string.Join(",", types));

// 4. A stale If-Match is a typed 412 with the current version.
try
{
    await client.AccountWithdrawAsync(id, "\"1\"", null, null, null, new AccountWithdrawCommand { Amount = 100, Currency = "EUR" });
    Check(false, "a stale If-Match was accepted");
}
catch (ApiException<Problem> problem) when (problem.StatusCode == 412)
{
    Check(problem.Result.CurrentVersion == 2, $"412 names the current version ({problem.Result.CurrentVersion})");
}

// 5. Time travel: the account at version 1 had no money.
var past = await client.GetAccountAsync(id, 1, null);
Check(past.Version == 1 && past.State.Balance == 0, "as of version 1");
var now = await client.GetAccountAsync(id, null, null);
Check(now.State.Balance == 2500, "now");

// 6. A rule refusal is a typed 422 naming the rule.
try
{
    await client.AccountWithdrawAsync(id, null, null, null, null, new AccountWithdrawCommand { Amount = 1_000_000, Currency = "EUR" });
    Check(false, "an overdraft was accepted");
}
catch (ApiException<Problem> problem) when (problem.StatusCode == 422)
{
    Check(problem.Result.RuleCode == "insufficient_funds", "422 " + problem.Result.RuleCode);
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
