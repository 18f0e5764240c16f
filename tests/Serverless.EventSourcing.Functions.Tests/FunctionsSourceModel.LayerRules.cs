using System.Text.RegularExpressions;
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

    private static readonly HashSet<string> ForbiddenTypes = new(StringComparer.Ordinal)
    {
        "HttpClient", "IHttpClientFactory", "HttpRequestMessage", "WebClient", "ConnectionMultiplexer", "IDatabase",
        "DbConnection", "DbCommand", "DbDataSource", "DbContext", "SqlConnection", "SqlCommand",
    };

    /// <summary>
    /// The layer rules, as violations:
    /// <list type="number">
    /// <item>no string literal anywhere in the project looks like SQL;</item>
    /// <item>no file imports a storage or network client namespace or names such a type (<see cref="ForbiddenNamespaces"/>, <see cref="ForbiddenTypes"/>, anything <c>Npgsql*</c>);</item>
    /// <item>every <c>[Function]</c> body is one call, <c>dependency.Method(arguments)</c>, on a constructor-injected
    /// dependency whose type is in <paramref name="allowedDependencies"/>, with only the function's parameters,
    /// literals or <c>nameof</c> as arguments: no <c>new</c>, no lambdas, no branches.</item>
    /// </list>
    /// </summary>
    public IReadOnlyList<string> FindLayerViolations(IReadOnlySet<string> allowedDependencies)
    {
        var violations = new List<string>();
        foreach (var tree in _trees)
        {
            var root = tree.GetRoot();
            foreach (var directive in root.DescendantNodes().OfType<UsingDirectiveSyntax>())
            {
                var name = directive.NamespaceOrType.ToString();
                if (ForbiddenNamespaces.Any(n => name == n || name.StartsWith(n + ".", StringComparison.Ordinal)))
                {
                    violations.Add($"{Where(directive)}: using {name}: the Functions app reaches storage and the network only through the application layer");
                }
            }

            foreach (var identifier in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var name = identifier.Identifier.ValueText;
                if (ForbiddenTypes.Contains(name) || name.StartsWith("Npgsql", StringComparison.Ordinal))
                {
                    violations.Add($"{Where(identifier)}: {name} is a storage or network client; call the application layer instead");
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

        violations.AddRange(Functions.SelectMany(f => FindBodyViolations(f, allowedDependencies)));
        return violations;
    }

    private static IEnumerable<string> FindBodyViolations(FunctionDeclaration function, IReadOnlySet<string> allowedDependencies)
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

        foreach (var argument in call.ArgumentList.Arguments.Where(a => !IsPlainArgument(a.Expression)))
        {
            yield return $"{function.Location}: {function.Name} passes '{argument}'; arguments must be the function's parameters, literals or nameof(...)";
        }
    }

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
