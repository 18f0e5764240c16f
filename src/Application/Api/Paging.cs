namespace Serverless.EventSourcing.Application.Api;

/// <summary>Builds <c>Link: &lt;…&gt;; rel="next"</c> by replacing one query parameter of the current URL.</summary>
public static class Paging
{
    public static ApiResponse WithNextLink(this ApiResponse response, ApiRequest request, string parameter, long? next)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(request);
        if (next is null)
        {
            return response;
        }

        var path = request.Path.Split('?')[0];
        var query = request.Query
            .Where(p => !string.Equals(p.Key, parameter, StringComparison.OrdinalIgnoreCase))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")
            .Append($"{parameter}={next}");
        return response.With("Link", $"<{path}?{string.Join('&', query)}>; rel=\"next\"");
    }
}
