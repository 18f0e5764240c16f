using System.Text.Json.Serialization;

namespace Serverless.EventSourcing.Security;

/// <summary>
/// The authenticated principal as event metadata stores it (<c>metadata.principal</c>), written by the server only.
/// </summary>
/// <param name="Kind"><c>key</c> or <c>token</c>.</param>
public sealed record PrincipalRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("issuer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Issuer,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("clientId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId);
