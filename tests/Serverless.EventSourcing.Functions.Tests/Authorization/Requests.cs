using Serverless.EventSourcing.Functions.Tests.Contract;
using Serverless.EventSourcing.Functions.Tests.Hosts;
namespace Serverless.EventSourcing.Functions.Tests.Authorization;

/// <summary>One request a case sends: built once, sent with whichever client (credential) the case tries.</summary>
public sealed record Request(HttpMethod Method, string Url, object? Body = null, bool EventStream = false)
{
    public async Task<HttpResponseMessage> SendAsync(HttpClient client)
    {
        var message = new HttpRequestMessage(Method, Url) { Content = Body is null ? null : Api.Json(Body) };
        if (EventStream)
        {
            message.Headers.Accept.ParseAdd("text/event-stream");
        }

        // Live routes stay open: take the status and headers, then hang up.
        var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        if (EventStream && response.IsSuccessStatusCode)
        {
            response.Dispose();
        }

        return response;
    }
}
