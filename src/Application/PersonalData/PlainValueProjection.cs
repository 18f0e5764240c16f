using Serverless.EventSourcing.Events;
using Serverless.EventSourcing.PersonalData;
using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// A projection that declared it needs plain values gets each event with its tokens opened (or marked erased). The keys
/// are read in the projection's own transaction and locked for share, so an erasure either waits for this apply and then
/// scrubs what it wrote, or came first and this apply sees the subject erased: a scrubbed row is never written back.
/// A parked event is parked as it was stored (the dispatcher parks the envelope it was given, the encrypted one).
/// </summary>
public sealed class PlainValueProjection(IPersonalDataProjection inner, SubjectKeys keys) : IPersonalDataProjection
{
    public string Name => inner.Name;

    public IReadOnlySet<string> Categories => inner.Categories;

    public IReadOnlySet<string> EventTypes => inner.EventTypes;

    public IReadOnlyList<string> Tables => inner.Tables;

    public PoisonPolicy OnPoison => inner.OnPoison;

    public PersonalDataUse PersonalData => inner.PersonalData;

    public IPersonalDataProjection Inner => inner;

    public async Task ApplyAsync(EventEnvelope envelope, IReadModelSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(session);
        if (!PersonalValues.MayHoldTokens(envelope.Data) || System.Text.Json.Nodes.JsonNode.Parse(envelope.Data) is not { } root)
        {
            await inner.ApplyAsync(envelope, session, ct);
            return;
        }

        var tokens = PersonalValues.Find(root);
        var subjects = tokens.Select(t => t.Subject).Distinct(StringComparer.Ordinal).ToArray();
        var rows = await session.QueryAsync("select subject, master_version, wrapped_key from es_subject_keys_for_share($1)", [subjects]);
        var found = rows.ToDictionary(
            r => (string)r["subject"]!,
            r => keys.Unwrap(new WrappedSubjectKey((string)r["subject"]!, (int)r["master_version"]!, (byte[])r["wrapped_key"]!)),
            StringComparer.Ordinal);
        PersonalValues.Replace(tokens, _ => true, found);
        await inner.ApplyAsync(envelope with { Data = root.ToJsonString(EventJson.Options) }, session, ct);
    }

    public Task ScrubAsync(string subject, IReadModelSession session, CancellationToken ct) => inner.ScrubAsync(subject, session, ct);
}
