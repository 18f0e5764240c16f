using Serverless.EventSourcing.Functions.Harness;

// The worker process of the kill-and-resume test: the app's orchestrator and activity on the Azure Storage backend,
// until it is killed or its parent goes away (stdin closes). Arguments: <postgres connection string> <storage connection string> <task hub> [redis].
if (args.Length < 3)
{
    await Console.Error.WriteLineAsync("usage: <postgres> <storage> <task hub> [redis]");
    return 2;
}

await using var app = AppServices.Build(new Dictionary<string, string?>
{
    ["Postgres:ConnectionString"] = args[0],
    ["Redis:ConnectionString"] = args.Length > 3 ? args[3] : "",
    ["PersonalData:MasterKeys:1"] = Serverless.EventSourcing.TestKit.Servers.TestMasterKeys.Version1,
});
await using var backend = await DurableSagaBackend.StartAsync(args[1], args[2], app);
Console.WriteLine("READY");

// A test run that dies without killing us closes our stdin; an orphaned worker would otherwise live on.
await Console.In.ReadToEndAsync();
return 0;
