namespace Serverless.EventSourcing.Application.Modules;

/// <summary>What a read route's query parameter holds, so the API document can type it.</summary>
public enum ReadParameterKind
{
    Text,
    Integer,
    Date,

    /// <summary>The framework's page size (<c>limit</c>, read with <see cref="Api.ApiContext.Limit"/>).</summary>
    Limit,
}

/// <summary>A query parameter a module's read route reads; listed in the OpenAPI document so generated clients can send it.</summary>
public sealed record ReadParameter(string Name, string Description, ReadParameterKind Kind = ReadParameterKind.Text)
{
    /// <summary>The page size every paged route takes.</summary>
    public static ReadParameter Limit { get; } = new("limit", "Page size", ReadParameterKind.Limit);

    public static ReadParameter Integer(string name, string description) => new(name, description, ReadParameterKind.Integer);

    /// <summary>A calendar date, <c>yyyy-MM-dd</c>.</summary>
    public static ReadParameter Date(string name, string description) => new(name, description, ReadParameterKind.Date);
}
