namespace Serverless.EventSourcing.Application.Security;

/// <summary>The principal lacks a permission: answered 403 naming it.</summary>
public sealed class AccessDeniedException(Permission permission, string? category, string message) : EventSourcingException(message)
{
    public Permission Permission { get; } = permission;

    public string? Category { get; } = category;

    public static AccessDeniedException For(Permission permission, string? category) => new(
        permission,
        category,
        category is null
            ? $"This needs the '{permission.Name()}' permission."
            : $"This needs the '{permission.Name()}' permission on category '{category}'.");
}
