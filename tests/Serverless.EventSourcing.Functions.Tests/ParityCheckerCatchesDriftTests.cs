using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>
/// Proves the checkers fail when they should: each test feeds them a modified copy of the real Functions source
/// (or route list) and expects exactly the drift it introduced.
/// </summary>
public sealed class ParityCheckerCatchesDriftTests
{
    private readonly IReadOnlyList<SourceFile> _sources = RepositoryFiles.FunctionsSources();

    [Fact]
    public async Task A_function_removed_from_the_functions_app_is_reported()
    {
        // Given the Functions source without the DeleteStream function
        var sources = WithoutMethod("DeleteStream");

        // When compared with the local host
        var drift = RouteParity.FindDrift(await LocalHostRoutes.ReadAsync(), FunctionsSourceModel.Parse(sources).HttpTriggers);

        // Then that route, and only it, is reported
        var reported = Assert.Single(drift);
        Assert.StartsWith("Local route DeleteStream (DELETE /api/streams/{streamId}) has no HttpTrigger function", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_removed_from_the_local_host_is_reported()
    {
        var localRoutes = (await LocalHostRoutes.ReadAsync()).Where(r => r.Name != "TakeSnapshot").ToList();

        var drift = RouteParity.FindDrift(localRoutes, FunctionsSourceModel.Parse(_sources).HttpTriggers);

        var reported = Assert.Single(drift);
        Assert.StartsWith("HttpTrigger function TakeSnapshot (post snapshots/{streamId}, Http/SnapshotFunctions.cs:", reported, StringComparison.Ordinal);
        Assert.EndsWith("has no local-host route", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_route_without_a_function_is_reported()
    {
        // Given the local host with one more route than the Functions app
        var localRoutes = (await LocalHostRoutes.ReadAsync()).Append(new LocalRoute("NotARealRoute", "POST", "never/{thing}/exists", false)).ToList();

        var drift = RouteParity.FindDrift(localRoutes, FunctionsSourceModel.Parse(_sources).HttpTriggers);

        var reported = Assert.Single(drift);
        Assert.Equal("Local route NotARealRoute (POST /api/never/{thing}/exists) has no HttpTrigger function named NotARealRoute", reported);
    }

    [Theory]
    [InlineData("AuthorizationLevel.Anonymous, \"get\", Route = \"health\"", "AuthorizationLevel.Function, \"get\", Route = \"health\"",
        "Health (", "AuthorizationLevel.Function but the route is anonymous: expected AuthorizationLevel.Anonymous")]
    [InlineData("AuthorizationLevel.Function, \"get\", Route = \"stats\"", "AuthorizationLevel.Anonymous, \"get\", Route = \"stats\"",
        "Stats (", "AuthorizationLevel.Anonymous but the route is keyed: expected AuthorizationLevel.Function")]
    [InlineData("\"delete\", Route = \"streams/{streamId}\"", "\"post\", Route = \"streams/{streamId}\"",
        "DeleteStream (", "HttpTrigger methods [POST] but the local host serves DELETE")]
    [InlineData("Route = \"events\"", "Route = \"events/query\"",
        "QueryEvents (", "HttpTrigger Route 'events/query' but the local host serves /api/events")]
    [InlineData("HttpRequestData req, string type, string id) =>", "HttpRequestData req, string type) =>",
        "GetAggregate (", "binds parameters [type] but the route has [type, id]")]
    [InlineData("http.RunAsync(nameof(Ready), req)", "http.RunAsync(nameof(Health), req)",
        "Ready (", "dispatches route 'Health' instead of its own name")]
    public async Task A_changed_method_route_auth_level_parameter_or_dispatch_is_reported(string original, string changed, string function, string expected)
    {
        var drift = RouteParity.FindDrift(await LocalHostRoutes.ReadAsync(), FunctionsSourceModel.Parse(Replaced(original, changed)).HttpTriggers);

        var reported = Assert.Single(drift);
        Assert.StartsWith(function, reported, StringComparison.Ordinal);
        Assert.EndsWith(expected, reported, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http.RunAsync(\"select count(*) from es_events\", req)", "string literal looks like SQL")]
    [InlineData("new Npgsql.NpgsqlConnection(\"Host=db\").OpenAsync()", "NpgsqlConnection is a storage or network client")]
    [InlineData("new HttpClient().GetAsync(\"http://127.0.0.1/\")", "HttpClient is a storage or network client")]
    [InlineData("new HttpClient().GetAsync(\"http://127.0.0.1/\")", "Stats must be one call on an injected dependency")]
    [InlineData("store.ReadAllAsync(req)", "Stats calls store.ReadAllAsync; a function may only call an injected EventRelay or FunctionsHttpAdapter or MaintenanceJobs or ProjectionDispatcher or SagaExecutor")]
    [InlineData("http.RunAsync(nameof(Stats), KafkaEnvelopeCodec.DecodeTriggerBatch(Rewrite(req)))", "Stats passes 'KafkaEnvelopeCodec.DecodeTriggerBatch(Rewrite(req))'; arguments must be")]
    [InlineData("http.RunAsync(nameof(Stats), Rewrite(req))", "Stats passes 'Rewrite(req)'; arguments must be")]
    public void A_function_body_with_sql_a_storage_client_or_logic_is_reported(string body, string expected)
    {
        var sources = Replaced("http.RunAsync(nameof(Stats), req)", body);

        var violations = FunctionsSourceModel.Parse(sources).FindLayerViolations(FunctionBodiesStayThinTests.AllowedDependencies, FunctionBodiesStayThinTests.AllowedStaticCalls);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_using_of_the_postgres_project_is_reported()
    {
        var sources = Replaced("namespace Serverless.EventSourcing.Functions.Http;\n\n/// <summary>Snapshot", "using Serverless.EventSourcing.Postgres.EventStore;\n\nnamespace Serverless.EventSourcing.Functions.Http;\n\n/// <summary>Snapshot");

        var violations = FunctionsSourceModel.Parse(sources).FindLayerViolations(FunctionBodiesStayThinTests.AllowedDependencies, FunctionBodiesStayThinTests.AllowedStaticCalls);

        Assert.Contains(violations, v => v.Contains("using Serverless.EventSourcing.Postgres.EventStore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dispatcher.DispatchAsync(Decode(events), ct)", "ProjectEvents passes 'Decode(events)'; arguments must be")]
    [InlineData("dispatcher.DispatchAsync(KafkaEnvelopeCodec.DecodeTriggerBatch(events.Skip(1).ToArray()), ct)",
        "ProjectEvents passes 'KafkaEnvelopeCodec.DecodeTriggerBatch(events.Skip(1).ToArray())'; arguments must be")]
    [InlineData("dispatcher.DispatchAsync(System.Text.Json.JsonSerializer.Deserialize<EventEnvelope[]>(events[0])!, ct)",
        "ProjectEvents passes 'System.Text.Json.JsonSerializer.Deserialize<EventEnvelope[]>(events[0])!'; arguments must be")]
    [InlineData("KafkaEnvelopeCodec.DecodeTriggerBatch(events)", "ProjectEvents calls KafkaEnvelopeCodec.DecodeTriggerBatch; a function may only call an injected")]
    public void A_kafka_trigger_body_with_its_own_decoding_or_logic_is_reported(string body, string expected)
    {
        var sources = Replaced("dispatcher.DispatchAsync(KafkaEnvelopeCodec.DecodeTriggerBatch(events), ct)", body);

        var violations = FunctionsSourceModel.Parse(sources).FindLayerViolations(FunctionBodiesStayThinTests.AllowedDependencies, FunctionBodiesStayThinTests.AllowedStaticCalls);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("public sealed class RelayFunction(EventRelay relay)", "public sealed class RelayFunction(EventRelay relay, ProjectionRebuilder rebuilder)",
        "ProjectionRebuilder is an internal of Serverless.EventSourcing.Postgres.Projections; only its entry points EventRelay and ProjectionDispatcher may be used")]
    [InlineData("public sealed class RelayFunction(EventRelay relay)", "public sealed class RelayFunction(Serverless.EventSourcing.Postgres.EventStore.PostgresEventStore relay)",
        "Serverless.EventSourcing.Postgres.EventStore.PostgresEventStore: the Functions app reaches storage and the network only through the application layer")]
    [InlineData("public sealed class RelayFunction(EventRelay relay)", "public sealed class RelayFunction(Serverless.EventSourcing.Postgres.Projections.DeadLetters relay)",
        "Serverless.EventSourcing.Postgres.Projections.DeadLetters: the Functions app reaches storage")]
    [InlineData("using Serverless.EventSourcing.Postgres.Projections;\n\nnamespace Serverless.EventSourcing.Functions.Timers;",
        "using Serverless.EventSourcing.Postgres;\nusing Serverless.EventSourcing.Postgres.Projections;\n\nnamespace Serverless.EventSourcing.Functions.Timers;",
        "using Serverless.EventSourcing.Postgres: the Functions app reaches storage")]
    public void Postgres_types_other_than_the_projection_entry_points_are_reported(string original, string changed, string expected)
    {
        var sources = Replaced(original, changed);

        var violations = FunctionsSourceModel.Parse(sources).FindLayerViolations(FunctionBodiesStayThinTests.AllowedDependencies, FunctionBodiesStayThinTests.AllowedStaticCalls);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("await context.CreateTimer(context.CurrentUtcDateTime + progress.RetryAfter, CancellationToken.None);",
        "await Task.Delay(progress.RetryAfter);", "SagaOrchestrator calls Task.Delay; an orchestrator may only use context.CallActivityAsync")]
    [InlineData("await context.CreateTimer(context.CurrentUtcDateTime + progress.RetryAfter, CancellationToken.None);",
        "await context.CreateTimer(DateTime.UtcNow + progress.RetryAfter, CancellationToken.None);", "SagaOrchestrator reads the wall clock (DateTime.UtcNow)")]
    [InlineData("await context.CallActivityAsync<SagaProgress>(nameof(AdvanceSaga), sagaId, ActivityRetry);",
        "await executor.AdvanceAsync(sagaId, CancellationToken.None);", "SagaOrchestrator uses the injected executor; orchestrators are replayed and do no I/O")]
    [InlineData("await context.CallActivityAsync<SagaProgress>(nameof(AdvanceSaga), sagaId, ActivityRetry);",
        "await context.CallActivityAsync<SagaProgress>(\"AdvanceSagas\", sagaId, ActivityRetry);", "SagaOrchestrator calls activity '\"AdvanceSagas\"', which is not an [ActivityTrigger] function of the app")]
    [InlineData("await context.CallActivityAsync<SagaProgress>(nameof(AdvanceSaga), sagaId, ActivityRetry);",
        "await context.CallActivityAsync<SagaProgress>(nameof(AdvanceSaga), sagaId, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(1))));",
        "SagaOrchestrator creates 'new RetryPolicy(3, TimeSpan.FromSeconds(1))'")]
    [InlineData("return progress.Status.ToString();", "context.ContinueAsNew(sagaId);", "SagaOrchestrator uses context.ContinueAsNew; an orchestrator may only use")]
    [InlineData("var sagaId = context.GetInput<Guid>();", "var sagaId = Guid.Parse(context.InstanceId);", "SagaOrchestrator calls Guid.Parse; an orchestrator may only use")]
    [InlineData("logger.LogInformation(\"Saga {SagaId} finished: {Status}\", sagaId, progress.Status);",
        "Console.WriteLine(sagaId);", "SagaOrchestrator calls Console.WriteLine; an orchestrator may only use")]
    public void An_orchestrator_doing_more_than_calling_activities_waiting_on_durable_timers_and_logging_is_reported(string original, string changed, string expected)
    {
        var sources = Replaced(original, changed);

        var violations = FunctionsSourceModel.Parse(sources).FindLayerViolations(FunctionBodiesStayThinTests.AllowedDependencies, FunctionBodiesStayThinTests.AllowedStaticCalls);

        Assert.Contains(violations, v => v.StartsWith("Sagas/SagaOrchestrator.cs:", StringComparison.Ordinal) && v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_orchestrator_loop_does_not_open_the_one_call_rule_to_other_functions()
    {
        // Given the saga activity rewritten as a loop like the orchestrator's
        var sources = Replaced(
            "public Task<SagaProgress> AdvanceSaga([ActivityTrigger] Guid sagaId, CancellationToken ct) => executor.AdvanceAsync(sagaId, ct);",
            "public async Task<SagaProgress> AdvanceSaga([ActivityTrigger] Guid sagaId, CancellationToken ct) { while (true) { await executor.AdvanceAsync(sagaId, ct); } }");

        var violations = FunctionsSourceModel.Parse(sources).FindLayerViolations(FunctionBodiesStayThinTests.AllowedDependencies, FunctionBodiesStayThinTests.AllowedStaticCalls);

        Assert.Contains(violations, v => v.Contains("AdvanceSaga must be one call on an injected dependency", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[TimerTrigger(\"*/10 * * * * *\")]", "RelayEvents runs on '*/10 * * * * *'; a timer's schedule must be a %Schedules:Name% setting")]
    [InlineData("[TimerTrigger(\"%Schedules:Relays%\")]", "RelayEvents runs on %Schedules:Relays% but local.settings.sample.json has no Schedules__Relays")]
    [InlineData("[TimerTrigger(\"%Schedules:Relay%\", RunOnStartup = true)]", "RelayEvents sets RunOnStartup; it would run on every cold start and scale-out")]
    public void A_timer_on_a_literal_or_unknown_schedule_or_running_on_startup_is_reported(string changed, string expected)
    {
        var timers = FunctionsSourceModel.Parse(Replaced("[TimerTrigger(\"%Schedules:Relay%\")]", changed)).TimerTriggers;

        var violations = TimerSchedules.FindViolations(timers, SampleSettings.LoadKeys());

        var reported = Assert.Single(violations);
        Assert.EndsWith(expected, reported, StringComparison.Ordinal);
        Assert.StartsWith("Timers/RelayFunction.cs:", reported, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trigger_setting_missing_from_the_sample_or_written_with_double_underscores_is_reported()
    {
        // Given a Kafka trigger with one known setting, one unknown and one written as Section__Key
        var kafka = new SourceFile("Kafka/ProjectionFunctions.cs", """
            public sealed class ProjectionFunctions(FunctionsHttpAdapter http)
            {
                [Function("Projections")]
                public Task Run([KafkaTrigger("%Kafka:BootstrapServers%", "%Kafka:Topic%", ConsumerGroup = "%Kafka__ConsumerGroup%", IsBatched = true)] string[] events) =>
                    http.RunAsync("Projections", events);
            }
            """);

        var references = FunctionsSourceModel.Parse([kafka]).SettingReferences;
        var violations = SettingsContract.FindViolations(references, SampleSettings.LoadKeys());

        Assert.Equal(["Kafka:BootstrapServers", "Kafka:Topic", "Kafka__ConsumerGroup"], references.Select(r => r.Setting));
        Assert.Collection(
            violations,
            v => Assert.Equal("Kafka/ProjectionFunctions.cs:4: %Kafka:Topic% has no key Kafka__Topic in local.settings.sample.json", v),
            v => Assert.Equal("Kafka/ProjectionFunctions.cs:4: %Kafka__ConsumerGroup% does not resolve in a binding expression; write %Kafka:ConsumerGroup%", v));
    }

    [Fact]
    public void A_function_name_declared_twice_is_reported()
    {
        var sources = Replaced("[Function(nameof(Ready))]", "[Function(nameof(Health))]");

        var unreadable = FunctionsSourceModel.Parse(sources).Unreadable;

        Assert.Contains(unreadable, u => u.StartsWith("Function name Health is declared more than once", StringComparison.Ordinal));
    }

    // Replaces one exact fragment in exactly one file, so a renamed function cannot make a test pass vacuously.
    private List<SourceFile> Replaced(string original, string changed)
    {
        var matches = _sources.Count(f => f.Text.Contains(original, StringComparison.Ordinal));
        Assert.True(matches == 1, $"Expected '{original}' in exactly one Functions source file, found {matches}.");
        return _sources.Select(f => f with { Text = f.Text.Replace(original, changed, StringComparison.Ordinal) }).ToList();
    }

    private List<SourceFile> WithoutMethod(string methodName)
    {
        var removed = 0;
        var sources = _sources.Select(file =>
        {
            var root = CSharpSyntaxTree.ParseText(file.Text).GetRoot();
            var method = root.DescendantNodes().OfType<MethodDeclarationSyntax>().SingleOrDefault(m => m.Identifier.ValueText == methodName);
            if (method is null)
            {
                return file;
            }

            removed++;
            return file with { Text = root.RemoveNode(method, SyntaxRemoveOptions.KeepNoTrivia)!.ToFullString() };
        }).ToList();
        Assert.Equal(1, removed);
        return sources;
    }
}
