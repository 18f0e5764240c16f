using Microsoft.AspNetCore.Builder;
using Serverless.EventSourcing.LocalHost;

namespace Serverless.EventSourcing.Functions.Tests.Hosts;

/// <summary>The local host exactly as <c>./run.sh</c> starts it.</summary>
public class LocalHostHost : ApiHost
{
    protected override WebApplication Build(IDictionary<string, string?> settings) => LocalHostApp.Build([], LocalHost.App.AppModules.All, settings);
}
