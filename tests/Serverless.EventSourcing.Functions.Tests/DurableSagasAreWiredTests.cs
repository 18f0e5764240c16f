using System.Text.Json;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Serverless.EventSourcing.Application.Sagas;
using Serverless.EventSourcing.Sagas;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// Sagas run as Durable orchestrations in the Functions app: its engine replaces the local one, StartSaga hands the
/// engine the Durable client, the orchestrator walks the shared executor through its activity, and what crosses the
/// activity boundary survives the worker's System.Text.Json serializer.
/// </summary>
public sealed class DurableSagasAreWiredTests
{
    private readonly IReadOnlyList<SourceFile> _sources = RepositoryFiles.FunctionsSources();

    [Fact]
    public void Program_registers_the_durable_saga_engine_after_the_shared_registration_so_it_replaces_the_local_one()
    {
        Assert.Null(SagaEngineRegistration.FindProblem(ProgramSource()));
    }

    [Theory]
    [InlineData("builder.Services.AddSingleton<ISagaEngine, DurableSagaEngine>();", "", "Program.cs does not register DurableSagaEngine as ISagaEngine")]
    [InlineData("builder.Services.AddSingleton<ISagaEngine, DurableSagaEngine>();", "builder.Services.TryAddSingleton<ISagaEngine, DurableSagaEngine>();",
        "Program.cs does not register DurableSagaEngine as ISagaEngine")]
    public void A_missing_or_ineffective_engine_registration_is_reported(string original, string changed, string expected)
    {
        var source = ProgramSource();
        Assert.Contains(original, source, StringComparison.Ordinal);

        Assert.Equal(expected, SagaEngineRegistration.FindProblem(source.Replace(original, changed, StringComparison.Ordinal)));
    }

    [Fact]
    public void An_engine_registered_before_the_shared_registration_is_reported()
    {
        var source = ProgramSource();
        const string Registration = "builder.Services.AddSingleton<ISagaEngine, DurableSagaEngine>();";
        const string Shared = "builder.Services.AddServerlessEventSourcing(";
        var moved = source.Replace(Registration, "", StringComparison.Ordinal).Replace(Shared, Registration + "\n" + Shared, StringComparison.Ordinal);

        Assert.Equal("Program.cs registers DurableSagaEngine before AddServerlessEventSourcing, whose local engine would then win", SagaEngineRegistration.FindProblem(moved));
    }

    [Fact]
    public void StartSaga_binds_the_durable_client_and_hands_it_to_the_adapter()
    {
        var method = Method("StartSaga");

        var client = Assert.Single(method.ParameterList.Parameters, p => p.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "DurableClient" or "DurableClientAttribute"));
        var call = Assert.IsType<InvocationExpressionSyntax>(method.ExpressionBody?.Expression);

        Assert.Equal("DurableTaskClient", client.Type?.ToString());
        Assert.Equal(["nameof(StartSaga)", "req", client.Identifier.ValueText], call.ArgumentList.Arguments.Select(a => a.ToString()));
    }

    [Fact]
    public void The_orchestrator_calls_the_advance_activity_and_waits_on_durable_timers()
    {
        var orchestrator = Method("RunAsync", "SagaOrchestrator");
        var calls = orchestrator.DescendantNodes().OfType<InvocationExpressionSyntax>().Select(c => c.Expression.ToString()).ToList();
        var activity = Method("AdvanceSaga");

        Assert.Contains("context.CallActivityAsync<SagaProgress>", calls);
        Assert.Contains("context.CreateTimer", calls);
        Assert.Equal("executor.AdvanceAsync(sagaId, ct)", activity.ExpressionBody?.Expression.ToString());
        Assert.Contains(activity.ParameterList.Parameters, p => p.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "ActivityTrigger"));
    }

    /// <param name="webDefaults">False: the isolated worker's default ObjectSerializer, a JsonObjectSerializer with
    /// PropertyNameCaseInsensitive (azure-functions-dotnet-worker WorkerOptions), which the Durable extension also uses
    /// for its payloads. True: the camelCase web defaults, should the app ever configure those.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Saga_progress_and_the_saga_id_cross_the_activity_boundary_unchanged(bool webDefaults)
    {
        var options = webDefaults ? new JsonSerializerOptions(JsonSerializerDefaults.Web) : new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        var progress = new SagaProgress(SagaStatus.Compensating, false, TimeSpan.FromMilliseconds(400));
        var sagaId = Guid.CreateVersion7();

        var progressBack = JsonSerializer.Deserialize<SagaProgress>(JsonSerializer.Serialize(progress, options), options);
        var sagaIdBack = JsonSerializer.Deserialize<Guid>(JsonSerializer.Serialize(sagaId, options), options);

        Assert.Equal(progress, progressBack);
        Assert.Equal(sagaId, sagaIdBack);
    }

    private string ProgramSource() => _sources.Single(f => f.Path == "Program.cs").Text;

    private MethodDeclarationSyntax Method(string name, string? type = null) => Assert.Single(
        _sources.SelectMany(f => CSharpSyntaxTree.ParseText(f.Text).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()),
        m => m.Identifier.ValueText == name && (type is null || m.FirstAncestorOrSelf<TypeDeclarationSyntax>()?.Identifier.ValueText == type));
}

/// <summary>The Functions host must register its saga engine after the shared registration: the last registration wins.</summary>
internal static class SagaEngineRegistration
{
    public static string? FindProblem(string programSource)
    {
        var invocations = CSharpSyntaxTree.ParseText(programSource).GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().ToList();
        var shared = invocations.FirstOrDefault(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AddServerlessEventSourcing" });
        var engine = invocations.FirstOrDefault(i => i.Expression is MemberAccessExpressionSyntax
        {
            Name: GenericNameSyntax { Identifier.ValueText: "AddSingleton", TypeArgumentList.Arguments: [var service, var implementation] },
        } && service.ToString() == "ISagaEngine" && implementation.ToString() == "DurableSagaEngine");

        if (engine is null)
        {
            return "Program.cs does not register DurableSagaEngine as ISagaEngine";
        }

        if (shared is null)
        {
            return "Program.cs does not call AddServerlessEventSourcing";
        }

        return engine.SpanStart < shared.SpanStart
            ? "Program.cs registers DurableSagaEngine before AddServerlessEventSourcing, whose local engine would then win"
            : null;
    }
}
