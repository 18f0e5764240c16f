using System.Text.Json;
using Serverless.EventSourcing.Retention;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>The body of PUT streams/{streamId}/policy: <c>maxCount</c>, <c>maxAgeSeconds</c>, <c>truncateBefore</c>, each a whole number or null.</summary>
internal static class PolicyRequest
{
    private static readonly string[] Fields = ["maxCount", "maxAgeSeconds", "truncateBefore"];

    public static StreamPolicy Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException("body", "must be a JSON object with maxCount, maxAgeSeconds and truncateBefore (each optional)");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidInputException(property.Name, $"is not a policy field; use {string.Join(", ", Fields)}");
            }
        }

        var maxAge = Whole(body, "maxAgeSeconds");
        return new StreamPolicy(Whole(body, "maxCount"), maxAge is { } seconds ? TimeSpan.FromSeconds(seconds) : null, Whole(body, "truncateBefore")).Validated();
    }

    private static long? Whole(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : throw new InvalidInputException(name, "must be a whole number or null");
}
