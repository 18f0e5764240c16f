using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Serverless.EventSourcing.Functions.Tests;

/// <summary>A C# file of the Functions project, by its path relative to the project.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>A <c>[Function]</c> method as written.</summary>
public sealed record FunctionDeclaration(string Name, string Location, MethodDeclarationSyntax Method);

/// <summary>
/// A function with an <c>[HttpTrigger]</c>: its methods, route and auth level as written, the method parameters
/// that bind route values, and the route name its body hands to the adapter.
/// </summary>
public sealed record HttpTriggerFunction(
    string Name,
    string Location,
    IReadOnlyList<string> Methods,
    string? Route,
    string AuthLevel,
    IReadOnlyList<string> BoundParameters,
    string? DispatchedRoute);

/// <summary>A function with a <c>[TimerTrigger]</c>: its schedule as written and whether it asks to run on start-up.</summary>
public sealed record TimerTriggerFunction(string Name, string Location, string? Schedule, bool RunOnStartup);

/// <summary>A <c>%Setting%</c> binding expression and where it was written.</summary>
public sealed record SettingReference(string Setting, string Location);

/// <summary>
/// The Functions project read with Roslyn, syntax only (its worker SDK packages cannot be restored here, so it
/// cannot be compiled): its functions, HTTP triggers and setting references, and the layer rules its code keeps.
/// </summary>
internal sealed partial class FunctionsSourceModel
{
    private readonly IReadOnlyList<SyntaxTree> _trees;

    private FunctionsSourceModel(IReadOnlyList<SyntaxTree> trees, List<string> unreadable)
    {
        _trees = trees;
        Functions = trees.SelectMany(t => ReadFunctions(t, unreadable)).ToList();
        HttpTriggers = Functions.Select(f => ReadHttpTrigger(f, unreadable)).OfType<HttpTriggerFunction>().ToList();
        TimerTriggers = Functions.Select(f => ReadTimerTrigger(f, unreadable)).OfType<TimerTriggerFunction>().ToList();
        SettingReferences = trees.SelectMany(ReadSettingReferences).ToList();
        unreadable.AddRange(Functions
            .GroupBy(f => f.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"Function name {g.Key} is declared more than once: {string.Join(", ", g.Select(f => f.Location))}"));
        Unreadable = unreadable;
    }

    public IReadOnlyList<FunctionDeclaration> Functions { get; }

    public IReadOnlyList<HttpTriggerFunction> HttpTriggers { get; }

    public IReadOnlyList<TimerTriggerFunction> TimerTriggers { get; }

    /// <summary>Every <c>%Setting%</c> written in an attribute argument (triggers, output bindings, retry policies).</summary>
    public IReadOnlyList<SettingReference> SettingReferences { get; }

    /// <summary>What the checker could not read (it then cannot vouch for it): syntax errors, non-literal names or routes, duplicates.</summary>
    public IReadOnlyList<string> Unreadable { get; }

    public static FunctionsSourceModel Parse(IEnumerable<SourceFile> files)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, options, f.Path)).ToList();
        var unreadable = trees
            .SelectMany(t => t.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Location.GetLineSpan().Path}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        return new FunctionsSourceModel(trees, unreadable);
    }

    /// <summary>The parameter names of a route template, e.g. <c>streamId</c> in <c>streams/{streamId:minlength(1)}</c>.</summary>
    public static IReadOnlyList<string> RouteTemplateParameters(string template) =>
        RouteParameter().Matches(template).Select(m => m.Groups[1].Value).ToList();

    private static IEnumerable<FunctionDeclaration> ReadFunctions(SyntaxTree tree, List<string> unreadable)
    {
        foreach (var method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            var attribute = method.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(a => Is(a, "Function"));
            if (attribute is null)
            {
                continue;
            }

            var name = StringValue(attribute.ArgumentList?.Arguments.FirstOrDefault()?.Expression);
            if (name is null)
            {
                unreadable.Add($"{Where(attribute)}: the [Function] name must be a string literal or nameof(...)");
                continue;
            }

            yield return new FunctionDeclaration(name, Where(method), method);
        }
    }

    private static HttpTriggerFunction? ReadHttpTrigger(FunctionDeclaration function, List<string> unreadable)
    {
        var parameters = function.Method.ParameterList.Parameters;
        var trigger = parameters.FirstOrDefault(p => p.AttributeLists.SelectMany(l => l.Attributes).Any(a => Is(a, "HttpTrigger")));
        if (trigger is null)
        {
            return null;
        }

        var attribute = trigger.AttributeLists.SelectMany(l => l.Attributes).First(a => Is(a, "HttpTrigger"));
        var authLevel = "Function"; // the attribute's default
        var methods = new List<string>();
        string? route = null;
        foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
        {
            if (argument.NameEquals is { } named)
            {
                if (named.Name.Identifier.ValueText == "Route")
                {
                    route = StringValue(argument.Expression) ?? Unreadable(argument, "Route must be a string literal");
                }

                continue;
            }

            if (argument.Expression is MemberAccessExpressionSyntax member && member.Expression.ToString().EndsWith("AuthorizationLevel", StringComparison.Ordinal))
            {
                authLevel = member.Name.Identifier.ValueText;
            }
            else if (StringValue(argument.Expression) is { } method)
            {
                methods.Add(method);
            }
            else
            {
                Unreadable(argument, "HttpTrigger arguments must be an AuthorizationLevel member and string literal methods");
            }
        }

        // Route values bind to plain parameters; one with an attribute is another binding (e.g. [DurableClient]).
        var bound = parameters
            .Where(p => p != trigger && p.AttributeLists.Count == 0 && p.Type is not null && TypeName(p.Type) is not ("FunctionContext" or "CancellationToken"))
            .Select(p => p.Identifier.ValueText)
            .ToList();
        var call = SingleExpression(function.Method)?.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
        var dispatched = StringValue(call?.ArgumentList.Arguments.FirstOrDefault()?.Expression);
        return new HttpTriggerFunction(function.Name, function.Location, methods, route, authLevel, bound, dispatched);

        string? Unreadable(SyntaxNode node, string why)
        {
            unreadable.Add($"{Where(node)}: {function.Name}: {why}");
            return null;
        }
    }

    private static TimerTriggerFunction? ReadTimerTrigger(FunctionDeclaration function, List<string> unreadable)
    {
        var attribute = function.Method.ParameterList.Parameters
            .SelectMany(p => p.AttributeLists.SelectMany(l => l.Attributes))
            .FirstOrDefault(a => Is(a, "TimerTrigger"));
        if (attribute is null)
        {
            return null;
        }

        string? schedule = null;
        var runOnStartup = false;
        foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
        {
            var name = argument.NameEquals?.Name.Identifier.ValueText;
            if (name is null)
            {
                schedule = StringValue(argument.Expression);
                if (schedule is null)
                {
                    unreadable.Add($"{Where(argument)}: {function.Name}: the TimerTrigger schedule must be a string literal");
                }
            }
            else if (name == "RunOnStartup")
            {
                // Anything but a literal false counts as running on start-up.
                runOnStartup = !argument.Expression.IsKind(SyntaxKind.FalseLiteralExpression);
            }
        }

        return new TimerTriggerFunction(function.Name, function.Location, schedule, runOnStartup);
    }

    private static IEnumerable<SettingReference> ReadSettingReferences(SyntaxTree tree) =>
        from attribute in tree.GetRoot().DescendantNodes().OfType<AttributeSyntax>()
        where attribute.ArgumentList is not null
        from token in attribute.ArgumentList!.DescendantTokens().Where(IsStringText)
        from match in SettingExpression().Matches(token.ValueText)
        select new SettingReference(match.Groups[1].Value, Where(token));

    private static ExpressionSyntax? SingleExpression(MethodDeclarationSyntax method)
    {
        if (method.ExpressionBody is { } arrow)
        {
            return arrow.Expression;
        }

        return method.Body is { Statements.Count: 1 } body
            ? body.Statements[0] switch
            {
                ReturnStatementSyntax r => r.Expression,
                ExpressionStatementSyntax e => e.Expression,
                _ => null,
            }
            : null;
    }

    private static bool IsNameOf(ExpressionSyntax? expression) =>
        expression is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" }, ArgumentList.Arguments.Count: 1 };

    /// <summary>A string literal's value, or the name <c>nameof(...)</c> yields; null for anything else.</summary>
    private static string? StringValue(ExpressionSyntax? expression) => expression switch
    {
        LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => literal.Token.ValueText,
        InvocationExpressionSyntax invocation when IsNameOf(invocation) => invocation.ArgumentList.Arguments[0].Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            SimpleNameSyntax name => name.Identifier.ValueText,
            _ => null,
        },
        _ => null,
    };

    private static bool Is(AttributeSyntax attribute, string name)
    {
        var simple = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax plain => plain.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return simple == name || simple == name + "Attribute";
    }

    private static string TypeName(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        NullableTypeSyntax nullable => TypeName(nullable.ElementType),
        _ => type.ToString(),
    };

    private static bool IsStringText(SyntaxToken token) => token.Kind() is
        SyntaxKind.StringLiteralToken or SyntaxKind.InterpolatedStringTextToken or
        SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken or
        SyntaxKind.Utf8StringLiteralToken or SyntaxKind.Utf8SingleLineRawStringLiteralToken or SyntaxKind.Utf8MultiLineRawStringLiteralToken;

    private static string Where(SyntaxNode node) => Where(node.GetLocation());

    private static string Where(SyntaxToken token) => Where(token.GetLocation());

    private static string Where(Location location)
    {
        var span = location.GetLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}";
    }

    [GeneratedRegex(@"%([^%\s]+)%")]
    private static partial Regex SettingExpression();

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)")]
    private static partial Regex RouteParameter();
}
