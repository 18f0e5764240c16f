namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// The Functions app holds no logic: every function is one call into the adapter or the application layer, and the
/// project has no SQL and no storage or network clients. The allow-list grows deliberately, one type at a time
/// (static converters likewise, in <see cref="AllowedStaticCalls"/>). The saga orchestrator is the one function with
/// a loop, under a narrower rule of its own (<see cref="FunctionsSourceModel.AllowedOrchestrationContextMembers"/>).
/// </summary>
public sealed class FunctionBodiesStayThinTests
{
    public static readonly IReadOnlySet<string> AllowedDependencies = new HashSet<string>(StringComparer.Ordinal)
    {
        "FunctionsHttpAdapter",
        "EventRelay", // the relay timer: log -> Kafka topic
        "ProjectionDispatcher", // the Kafka trigger: topic -> read models
        "SagaExecutor", // the saga activity: one action of a saga (the orchestrator itself follows its own rule)
        "MaintenanceJobs", // the snapshot and cleanup timers
    };

    /// <summary>Static, pure converters a function may apply to its trigger input before the one call.</summary>
    public static readonly IReadOnlySet<string> AllowedStaticCalls = new HashSet<string>(StringComparer.Ordinal)
    {
        "KafkaEnvelopeCodec",
    };

    [Fact]
    public void Function_bodies_call_only_allowed_dependencies_and_the_project_has_no_sql_or_storage_clients()
    {
        var functions = FunctionsSourceModel.Parse(RepositoryFiles.FunctionsSources());

        var violations = functions.FindLayerViolations(AllowedDependencies, AllowedStaticCalls);

        Assert.Empty(violations);
        Assert.NotEmpty(functions.Functions);
    }
}
