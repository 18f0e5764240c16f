using System.Net;
using Serverless.EventSourcing.Application.PersonalData;
using Serverless.EventSourcing.Application.Security;
using Serverless.EventSourcing.PersonalData;

namespace Serverless.EventSourcing.Application.Api.Endpoints;

/// <summary>Data subjects: their key's state, their erasure, and the master-key rotation's re-wrapping of keys.</summary>
public sealed class SubjectEndpoints(SubjectErasureService erasure, ISubjectKeyStore keys, MasterKeyRotation rotation) : IApiEndpoints
{
    private const int MaxRewrapPerCall = 10_000;

    public void Map(IDictionary<string, ApiHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        handlers["GetSubject"] = GetAsync;
        handlers["EraseSubject"] = EraseAsync;
        handlers["RewrapSubjectKeys"] = RewrapAsync;
    }

    private async Task<ApiResponse> GetAsync(ApiContext context)
    {
        var subject = Subject(context);
        var state = (await keys.GetAsync([subject], context.Cancellation)).GetValueOrDefault(subject);
        return state is null
            ? ApiResponse.Problem(Problem.NotFound($"No data subject {subject} is known."))
            : ApiResponse.Of(HttpStatusCode.OK, new { subjectId = subject, status = state.Erased ? "erased" : "active", erasedAt = state.ErasedAt, masterKeyVersion = state.Key?.MasterVersion });
    }

    /// <summary>200 for the first erasure and for a repeat (<c>already-erased</c>); a subject never seen is recorded as erased too, so its data is refused later.</summary>
    private async Task<ApiResponse> EraseAsync(ApiContext context)
    {
        var result = await erasure.EraseAsync(Subject(context), context.Cancellation);
        context.AuditDetail["status"] = result.Status;
        context.AuditDetail["streams"] = result.Streams.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResponse.Of(HttpStatusCode.OK, result);
    }

    private async Task<ApiResponse> RewrapAsync(ApiContext context)
    {
        context.Access.RequireEverywhere(Permission.Erase);
        var (rewrapped, remaining) = await rotation.RewrapAsync(MaxRewrapPerCall, context.Cancellation);
        context.AuditDetail["rewrapped"] = rewrapped.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResponse.Of(HttpStatusCode.OK, new { rewrapped, keysByMasterVersion = remaining.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value) });
    }

    private static string Subject(ApiContext context)
    {
        context.Access.RequireEverywhere(Permission.Erase);
        var subject = context.Route("subjectId");
        SubjectErasureService.CheckSubject(subject);
        return subject;
    }
}
