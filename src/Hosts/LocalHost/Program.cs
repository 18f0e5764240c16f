using Serverless.EventSourcing.LocalHost;
using Serverless.EventSourcing.LocalHost.App;

await LocalHostApp.Build(args, AppModules.All).RunAsync();
