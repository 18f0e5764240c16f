using Serverless.EventSourcing.Functions.Tests.Hosts;

namespace Serverless.EventSourcing.Functions.Tests.Contract;

/// <summary>Every contract case against the local host.</summary>
public sealed class LocalHostContractTests(LocalHostHost host) : IClassFixture<LocalHostHost>
{
    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public Task Holds(string contractCase) => ContractCases.All[contractCase](host);
}

/// <summary>Every contract case against the Functions app's function classes, routed from its metadata.</summary>
public sealed class FunctionsAppContractTests(FunctionsAppHost host) : IClassFixture<FunctionsAppHost>
{
    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public Task Holds(string contractCase) => ContractCases.All[contractCase](host);
}
