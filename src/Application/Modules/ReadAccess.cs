using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.Modules;

/// <summary>
/// What a module's read route needs, stated when it is registered (a route without one is refused at start-up): read
/// on one aggregate's stream named by a route value (ownership rules apply: a customer reads only its own account), read
/// on every stream of a category (a read model over all of them), or a permission on every category.
/// </summary>
public sealed class ReadAccess
{
    private readonly Func<ApiContext, Task> _check;

    private ReadAccess(string description, Func<ApiContext, Task> check)
    {
        Description = description;
        _check = check;
    }

    /// <summary>For the API document: what the route needs, in words.</summary>
    public string Description { get; }

    /// <summary>Read on the stream <c>{category}-{route value}</c>, every event type; ownership rules apply.</summary>
    public static ReadAccess Stream(string category, string routeValue) => new(
        $"read on the {category} stream named by {{{routeValue}}}",
        async context =>
        {
            if (context.Access.Rights.AnyStream(Permission.Read, category) is { IsAll: true })
            {
                // Nothing to check on the stream itself: a malformed id stays the read route's own answer.
                context.PersonalScope = new PersonalData.PersonalScope(category, StreamId.TryParse($"{category}-{context.Route(routeValue)}", out var id, out _) ? id : null);
                return;
            }

            var stream = StreamId.For(category, context.Route(routeValue), routeValue);
            await context.Access.RequireWholeStreamAsync(Permission.Read, stream, context.Cancellation);
            context.PersonalScope = new PersonalData.PersonalScope(category, stream);
        });

    /// <summary>Read on every stream of <paramref name="category"/> (not only owned ones), every event type.</summary>
    public static ReadAccess Category(string category) => new(
        $"read on every {category} stream",
        context =>
        {
            if (context.Access.Rights.AnyStream(Permission.Read, category) is not { IsAll: true })
            {
                throw new AccessDeniedException(Permission.Read, category, $"This read model covers every {category} stream: it needs the 'read' permission on all of category '{category}'.");
            }

            context.PersonalScope = new PersonalData.PersonalScope(category);
            return Task.CompletedTask;
        });

    /// <summary><paramref name="permission"/> on every category (an operator's view).</summary>
    public static ReadAccess Everywhere(Permission permission) => new(
        $"{permission.Name()} on every category",
        context =>
        {
            context.Access.RequireEverywhere(permission);
            return Task.CompletedTask;
        });

    internal Task CheckAsync(ApiContext context) => _check(context);
}
