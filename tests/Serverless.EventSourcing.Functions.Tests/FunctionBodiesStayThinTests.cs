namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// The Functions app holds no logic: every function is one call into the adapter (later, the application layer),
/// and the project has no SQL and no storage or network clients. The allow-list grows deliberately, one type at a
/// time, as Kafka, Durable and Timer functions arrive (static converters likewise, in <see cref="AllowedStaticCalls"/>).
/// </summary>
public sealed class FunctionBodiesStayThinTests
{
    public static readonly IReadOnlySet<string> AllowedDependencies = new HashSet<string>(StringComparer.Ordinal)
    {
        "FunctionsHttpAdapter",
        "EventRelay", // the relay timer: log -> Kafka topic
        "ProjectionDispatcher", // the Kafka trigger: topic -> read models
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
