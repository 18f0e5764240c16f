using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Samples.Bank;

namespace Serverless.EventSourcing.LocalHost.App;

/// <summary>The domains this host serves: the sample bank. A team's own module is added here (the tests run the same list).</summary>
public static class AppModules
{
    public static IReadOnlyList<IDomainModule> All { get; } = [new BankModule()];
}
