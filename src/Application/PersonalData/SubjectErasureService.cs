using Microsoft.Extensions.Logging;
using Serverless.EventSourcing.PersonalData;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Snapshots;
using Serverless.EventSourcing.Store;
using Serverless.EventSourcing.Streams;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>The outcome of an erasure, as the API reports it.</summary>
/// <param name="Status"><c>erased</c>, or <c>already-erased</c> for a repeat.</param>
/// <param name="HadData">The subject had a key, so data of it existed until now.</param>
public sealed record ErasureResult(string SubjectId, string Status, bool HadData, int Streams, int Scrubbed);

/// <summary>
/// Erases a data subject: in one transaction its key is destroyed and every projection that keeps plain values scrubs its
/// rows; then the snapshots (PostgreSQL and Redis) of the streams that held its data are dropped, since they were
/// folded from its values. Events, Kafka messages, parked events and backups keep only ciphertext nobody can open now.
/// </summary>
public sealed class SubjectErasureService(ISubjectKeyStore store, SubjectKeys keys, IEnumerable<IProjection> projections, ISnapshotStore snapshots, ILogger<SubjectErasureService> logger)
{
    private readonly IReadOnlyList<IPersonalDataProjection> _scrubbers = [.. projections.OfType<IPersonalDataProjection>().Where(p => p.PersonalData == PersonalDataUse.PlainValues)];

    public async Task<ErasureResult> EraseAsync(string subject, CancellationToken ct)
    {
        CheckSubject(subject);
        var erasure = await store.EraseAsync(subject, _scrubbers, ct);
        keys.Forget(subject);
        foreach (var stream in erasure.Streams)
        {
            await snapshots.ForgetAsync(StreamId.Parse(stream), ct);
        }

        // The subject id is the key to the data, not the data: it is logged, as it is recorded in the audit trail.
        logger.LogInformation("Erased data subject {SubjectId}: key {KeyState}, {Streams} streams' snapshots dropped, {Projections} read models scrubbed",
            subject, erasure.HadKey ? "destroyed" : erasure.ErasedBefore is null ? "never existed" : "already destroyed", erasure.Streams.Count, _scrubbers.Count);
        return new ErasureResult(subject, erasure.ErasedBefore is null ? "erased" : "already-erased", erasure.HadKey, erasure.Streams.Count, _scrubbers.Count);
    }

    public static void CheckSubject(string subject)
    {
        if (!IsSubjectId(subject))
        {
            throw new InvalidInputException("subjectId", $"must be {SubjectIdRule}");
        }
    }

    internal const string SubjectIdRule = "1 to 200 printable characters, not all blank";

    /// <summary>
    /// What a data subject's id may be, the same wherever one is named: an id events may carry must be one an erasure can
    /// name (before, appends took control characters that erasure refused, and erasure took a blank id appends refused).
    /// </summary>
    internal static bool IsSubjectId(string subject) =>
        subject.Length is > 0 and <= 200 && !string.IsNullOrWhiteSpace(subject) && StorableText.IsStorable(subject) && !subject.Any(char.IsControl);
}
