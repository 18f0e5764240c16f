using Contoso.Orders.Domain;
using Serverless.EventSourcing.LocalHost;

// The same API as the Functions app under /api (http://127.0.0.1:7071 unless urls is set), with projections, rebuilds,
// sagas and maintenance jobs run in-process. Settings: local.settings.json "Values", then the environment.
await LocalHostApp.Build(args, [new OrderModule()]).RunAsync();
