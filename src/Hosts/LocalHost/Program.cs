using Serverless.EventSourcing.LocalHost;

await LocalHostApp.Build(args).RunAsync();
