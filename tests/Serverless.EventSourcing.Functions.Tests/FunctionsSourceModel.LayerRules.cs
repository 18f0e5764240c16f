using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>The layer rules the Functions app keeps: no SQL, no storage or network clients, one-call function bodies.</summary>
internal sealed partial class FunctionsSourceModel
{
    /// <summary>Namespaces the Functions app must not import: storage and network clients live behind the application layer.</summary>
    private static readonly string[] ForbiddenNamespaces =
    [
        "Npgsql", "StackExchange.Redis", "System.Data", "System.Net.Http", "Dapper", "Microsoft.EntityFrameworkCore",
        "Serverless.EventSourcing.Postgres", "Serverless.EventSourcing.Redis",
    ];

    /// <summary>
    /// The one exception to <see cref="ForbiddenNamespaces"/>: the namespace of the projection pipeline's entry points
    /// (<c>EventRelay</c>, <c>ProjectionDispatcher</c>). Importing it is allowed; naming any other type declared in it
    /// (its storage-facing internals, read from the Postgres project's source) is reported unless that type is an
    /// allowed dependency.
    /// </summary>
    private const string EntryPointNamespace = "Serverless.EventSourcing.Postgres.Projections";

    private static readonly Lazy<IReadOnlySet<string>> EntryPointNamespaceTypes = new(() => RepositoryFiles.PostgresTypeNamesIn(EntryPointNamespace));

    private static readonly HashSet<string> ForbiddenTypes = new(StringComparer.Ordinal)
    {
        "HttpClient", "IHttpClientFactory", "HttpRequestMessage", "WebClient", "ConnectionMultiplexer", "IDatabase",
        "DbConnection", "DbCommand", "DbDataSource", "DbContext", "SqlConnection", "SqlCommand",
    };

    /// <summary>
    /// What an orchestrator (a function with an <c>[OrchestrationTrigger]</c>) may use of its context: call an activity
    /// of the app, wait on a durable timer, read its input, instance id and replayed clock, and get a replay-safe
    /// logger. Orchestrators are replayed from their history, so everything else (I/O, clocks, injected services,
    /// sub-orchestrations, external events) is out: the work belongs in an activity.
    /// </summary>
    public static readonly IReadOnlySet<string> AllowedOrchestrationContextMembers = new HashSet<string>(StringComparer.Ordinal)
    {
        "CallActivityAsync", "CreateTimer", "CreateReplaySafeLogger", "GetInput", "InstanceId", "CurrentUtcDateTime",
    };

    /// <summary>
    /// The layer rules, as violations:
    /// <list type="number">
    /// <item>no string literal anywhere in the project looks like SQL;</item>
    /// <item>no file imports a storage or network client namespace or names such a type (<see cref="ForbiddenNamespaces"/>, <see cref="ForbiddenTypes"/>, anything <c>Npgsql*</c>);</item>
    /// <item>every <c>[Function]</c> body is one call, <c>dependency.Method(arguments)</c>, on a constructor-injected
    /// dependency whose type is in <paramref name="allowedDependencies"/>, with only the function's parameters,
    /// literals or <c>nameof</c> as arguments, or one call of a static type in <paramref name="allowedStaticCalls"/>
    /// on such arguments (a pure converter such as <c>KafkaEnvelopeCodec.DecodeTriggerBatch(events)</c>): no <c>new</c>,
    /// no lambdas, no branches.</item>
    /// <item>the one exception to 3, an orchestrator, is the one function allowed a small loop: its body may only use
    /// the context members in <see cref="AllowedOrchestrationContextMembers"/> (<c>CallActivityAsync</c> naming an
    /// <c>[ActivityTrigger]</c> function of the app), log through a logger from <c>context.CreateReplaySafeLogger</c>,
    /// and call <c>ToString()</c>/<c>nameof</c>: no injected dependency, no <c>new</c>, no lambdas, no wall clock.</item>
    /// </list>
    /// </summary>
    public IReadOnlyList<string> FindLayerViolations(IReadOnlySet<string> allowedDependencies, IReadOnlySet<string>? allowedStaticCalls = null)
    {
        allowedStaticCalls ??= new HashSet<string>(StringComparer.Ordinal);
        var violations = new List<string>();
        foreach (var tree in _trees)
        {
            var root = tree.GetRoot();
            foreach (var directive in root.DescendantNodes().OfType<UsingDirectiveSyntax>())
            {
                var name = directive.NamespaceOrType.ToString();
                if (name != EntryPointNamespace && IsInForbiddenNamespace(name))
                {
                    violations.Add($"{Where(directive)}: using {name}: the Functions app reaches storage and the network only through the application layer");
                }
            }

            // A fully qualified name reaches a forbidden namespace as well as a using does.
            foreach (var qualified in root.DescendantNodes().OfType<QualifiedNameSyntax>().Where(q => q.Parent is not QualifiedNameSyntax && q.FirstAncestorOrSelf<UsingDirectiveSyntax>() is null))
            {
                var name = qualified.ToString();
                if (IsInForbiddenNamespace(name) && !(name.StartsWith(EntryPointNamespace + ".", StringComparison.Ordinal) && allowedDependencies.Contains(qualified.Right.Identifier.ValueText)))
                {
                    violations.Add($"{Where(qualified)}: {name}: the Functions app reaches storage and the network only through the application layer");
                }
            }

            foreach (var identifier in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var name = identifier.Identifier.ValueText;
                if (ForbiddenTypes.Contains(name) || name.StartsWith("Npgsql", StringComparison.Ordinal))
                {
                    violations.Add($"{Where(identifier)}: {name} is a storage or network client; call the application layer instead");
                }
                else if (EntryPointNamespaceTypes.Value.Contains(name) && !allowedDependencies.Contains(name))
                {
                    violations.Add($"{Where(identifier)}: {name} is an internal of {EntryPointNamespace}; only its entry points {string.Join(" and ", allowedDependencies.Where(EntryPointNamespaceTypes.Value.Contains).Order(StringComparer.Ordinal))} may be used");
                }
            }

            foreach (var token in root.DescendantTokens().Where(IsStringText))
            {
                if (SqlText().IsMatch(token.ValueText))
                {
                    violations.Add($"{Where(token)}: string literal looks like SQL (\"{token.ValueText}\"); SQL belongs to the Postgres project");
                }
            }
        }

        var activities = Functions.Where(f => TriggerParameter(f.Method, "ActivityTrigger") is not null).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        violations.AddRange(Functions.SelectMany(f => TriggerParameter(f.Method, "OrchestrationTrigger") is { } context
            ? FindOrchestratorViolations(f, context.Identifier.ValueText, activities)
            : FindBodyViolations(f, allowedDependencies, allowedStaticCalls)));
        return violations;
    }

    private static ParameterSyntax? TriggerParameter(MethodDeclarationSyntax method, string attribute) =>
        method.ParameterList.Parameters.FirstOrDefault(p => p.AttributeLists.SelectMany(l => l.Attributes).Any(a => Is(a, attribute)));

    private static IEnumerable<string> FindOrchestratorViolations(FunctionDeclaration function, string context, IReadOnlySet<string> activities)
    {
        var body = (SyntaxNode?)function.Method.Body ?? function.Method.ExpressionBody;
        if (body is null)
        {
            yield return $"{function.Location}: {function.Name} has no body";
            yield break;
        }

        var state = InstanceState(function.Method.FirstAncestorOrSelf<TypeDeclarationSyntax>());
        var loggers = body.DescendantNodes()
            .OfType<VariableDeclaratorSyntax>()
            .Where(v => v.Initializer?.Value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } access }
                && receiver.Identifier.ValueText == context && access.Name.Identifier.ValueText == "CreateReplaySafeLogger")
            .Select(v => v.Identifier.ValueText)
            .ToHashSet(StringComparer.Ordinal);
        var allowed = string.Join(", ", AllowedOrchestrationContextMembers.Order(StringComparer.Ordinal).Select(m => $"{context}.{m}"));
        foreach (var node in body.DescendantNodes())
        {
            var problem = node switch
            {
                BaseObjectCreationExpressionSyntax => $"creates '{node}'; build options in a static field",
                AnonymousFunctionExpressionSyntax => $"has a lambda '{node}'",
                MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver, Name: var name }
                    when receiver.Identifier.ValueText == context && !AllowedOrchestrationContextMembers.Contains(name.Identifier.ValueText) =>
                    $"uses {node}; an orchestrator may only use {allowed}",
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "UtcNow" or "Now" or "Today" } =>
                    $"reads the wall clock ({node}); orchestrators are replayed: use {context}.CurrentUtcDateTime",
                IdentifierNameSyntax identifier when state.Contains(identifier.Identifier.ValueText) && !IsMemberName(identifier) =>
                    $"uses the injected {identifier}; orchestrators are replayed and do no I/O: call an activity",
                InvocationExpressionSyntax call => InvocationProblem(call),
                _ => null,
            };
            if (problem is not null)
            {
                yield return $"{function.Location}: {function.Name} {problem}";
            }
        }

        string? InvocationProblem(InvocationExpressionSyntax call)
        {
            if (IsNameOf(call))
            {
                return null;
            }

            if (call.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver, Name: var name })
            {
                if (receiver.Identifier.ValueText == context)
                {
                    var target = call.ArgumentList.Arguments.FirstOrDefault()?.Expression;
                    return name.Identifier.ValueText == "CallActivityAsync" && (StringValue(target) is not { } activity || !activities.Contains(activity))
                        ? $"calls activity '{target}', which is not an [ActivityTrigger] function of the app"
                        : null; // the member itself is checked as a member access
                }

                if (loggers.Contains(receiver.Identifier.ValueText) && name.Identifier.ValueText.StartsWith("Log", StringComparison.Ordinal))
                {
                    return null;
                }
            }

            return call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToString" } && call.ArgumentList.Arguments.Count == 0
                ? null
                : $"calls {call.Expression}; an orchestrator may only use {allowed}, and log through its replay-safe logger";
        }
    }

    private static bool IsMemberName(IdentifierNameSyntax identifier) =>
        identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier;

    /// <summary>Constructor (primary or explicit) parameters and instance fields of a function's class: what an orchestrator must not touch.</summary>
    private static HashSet<string> InstanceState(TypeDeclarationSyntax? type)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (type is null)
        {
            return names;
        }

        names.UnionWith((type.ParameterList?.Parameters ?? default).Select(p => p.Identifier.ValueText));
        names.UnionWith(type.Members.OfType<ConstructorDeclarationSyntax>().SelectMany(c => c.ParameterList.Parameters).Select(p => p.Identifier.ValueText));
        names.UnionWith(type.Members.OfType<FieldDeclarationSyntax>()
            .Where(f => !f.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ConstKeyword)))
            .SelectMany(f => f.Declaration.Variables)
            .Select(v => v.Identifier.ValueText));
        return names;
    }

    private static bool IsInForbiddenNamespace(string name) =>
        ForbiddenNamespaces.Any(n => name == n || name.StartsWith(n + ".", StringComparison.Ordinal));

    private static IEnumerable<string> FindBodyViolations(FunctionDeclaration function, IReadOnlySet<string> allowedDependencies, IReadOnlySet<string> allowedStaticCalls)
    {
        var expression = SingleExpression(function.Method);
        if (expression is AwaitExpressionSyntax awaited)
        {
            expression = awaited.Expression;
        }

        if (expression is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } access } call)
        {
            yield return $"{function.Location}: {function.Name} must be one call on an injected dependency (an expression body or a single return/await statement)";
            yield break;
        }

        var dependencies = InjectedDependencies(function.Method.FirstAncestorOrSelf<TypeDeclarationSyntax>());
        if (!dependencies.TryGetValue(receiver.Identifier.ValueText, out var type) || !allowedDependencies.Contains(type))
        {
            yield return $"{function.Location}: {function.Name} calls {receiver}.{access.Name}; a function may only call an injected {string.Join(" or ", allowedDependencies.Order(StringComparer.Ordinal))}";
        }

        foreach (var argument in call.ArgumentList.Arguments.Where(a => !IsPlainArgument(a.Expression) && !IsAllowedStaticCall(a.Expression, dependencies, allowedStaticCalls)))
        {
            yield return $"{function.Location}: {function.Name} passes '{argument}'; arguments must be the function's parameters, literals or nameof(...)"
                + (allowedStaticCalls.Count > 0 ? $", or one call of {string.Join(" or ", allowedStaticCalls.Order(StringComparer.Ordinal))} on those" : "");
        }
    }

    /// <summary><c>Converter.Method(plain arguments)</c> where <c>Converter</c> is an allowed static type, not an injected dependency.</summary>
    private static bool IsAllowedStaticCall(ExpressionSyntax expression, Dictionary<string, string> dependencies, IReadOnlySet<string> allowedStaticCalls) =>
        expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax type } } call
        && allowedStaticCalls.Contains(type.Identifier.ValueText)
        && !dependencies.ContainsKey(type.Identifier.ValueText)
        && call.ArgumentList.Arguments.All(a => IsPlainArgument(a.Expression));

    /// <summary>Constructor (primary or explicit) parameters and fields of the function's class, by name, with their type's simple name.</summary>
    private static Dictionary<string, string> InjectedDependencies(TypeDeclarationSyntax? type)
    {
        var dependencies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (type is null)
        {
            return dependencies;
        }

        var parameters = (type.ParameterList?.Parameters ?? default)
            .Concat(type.Members.OfType<ConstructorDeclarationSyntax>().SelectMany(c => c.ParameterList.Parameters));
        foreach (var parameter in parameters.Where(p => p.Type is not null))
        {
            dependencies[parameter.Identifier.ValueText] = TypeName(parameter.Type!);
        }

        foreach (var field in type.Members.OfType<FieldDeclarationSyntax>())
        {
            foreach (var variable in field.Declaration.Variables)
            {
                dependencies[variable.Identifier.ValueText] = TypeName(field.Declaration.Type);
            }
        }

        return dependencies;
    }

    private static bool IsPlainArgument(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or LiteralExpressionSyntax || IsNameOf(expression);

    [GeneratedRegex(@"\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|create\s+(or\s+replace\s+)?(table|index|function|view)|drop\s+(table|index|function|view)|alter\s+table)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SqlText();
}
