using System.Reflection;

namespace Serverless.EventSourcing.Modules.Tests;

/// <summary>No framework assembly depends on a domain module: the bank is a sample, not part of the framework.</summary>
public sealed class FrameworkIndependenceTests
{
    private static readonly string[] Framework =
    [
        "Serverless.EventSourcing.Kernel", "Serverless.EventSourcing.Postgres", "Serverless.EventSourcing.Redis",
        "Serverless.EventSourcing.Kafka", "Serverless.EventSourcing.Application", "Serverless.EventSourcing.Hosting",
    ];

    [Fact]
    public void No_framework_assembly_references_the_bank_module()
    {
        foreach (var name in Framework)
        {
            var references = Assembly.Load(name).GetReferencedAssemblies().Select(r => r.Name).ToList();
            Assert.DoesNotContain("Serverless.EventSourcing.Samples.Bank", references);
            Assert.DoesNotContain("Serverless.EventSourcing.LocalHost", references);
        }
    }

    [Fact]
    public void The_check_sees_a_reference_when_there_is_one()
    {
        // The local host picks the bank by default, so it references it: the check above would catch a framework doing so.
        Assert.Contains("Serverless.EventSourcing.Samples.Bank", Assembly.Load("Serverless.EventSourcing.LocalHost").GetReferencedAssemblies().Select(r => r.Name));
    }
}
