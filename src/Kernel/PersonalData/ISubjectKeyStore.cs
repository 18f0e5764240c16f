using Serverless.EventSourcing.Projections;

namespace Serverless.EventSourcing.PersonalData;

/// <summary>A subject's data key as stored: wrapped by the master key of <see cref="MasterVersion"/> (the store never sees it plain).</summary>
public sealed record WrappedSubjectKey(string Subject, int MasterVersion, byte[] WrappedKey);

/// <summary>What the store knows of one subject: its wrapped key, or that it was erased, or nothing (<see cref="Unknown"/>).</summary>
public sealed record SubjectKeyState(WrappedSubjectKey? Key, DateTimeOffset? ErasedAt)
{
    public static SubjectKeyState Unknown { get; } = new(null, null);

    public bool Erased => ErasedAt is not null;
}

/// <param name="HadKey">The subject had a key (its data existed) until this erasure.</param>
/// <param name="ErasedBefore">When an earlier erasure happened, if the subject was erased already.</param>
/// <param name="Streams">The streams that held the subject's data.</param>
public sealed record SubjectErasure(bool HadKey, DateTimeOffset? ErasedBefore, IReadOnlyList<string> Streams);

/// <summary>
/// Storage of wrapped per-subject data keys and master-key checks. Only opaque bytes pass through it: wrapping,
/// unwrapping and encryption are the application layer's.
/// </summary>
public interface ISubjectKeyStore
{
    Task<IReadOnlyDictionary<string, SubjectKeyState>> GetAsync(IReadOnlyCollection<string> subjects, CancellationToken ct);

    /// <summary>Stores the key unless the subject has one (or was erased) already; returns what is stored now.</summary>
    Task<SubjectKeyState> CreateAsync(WrappedSubjectKey key, CancellationToken ct);

    /// <summary>
    /// In one transaction: destroys the subject's key (recording the erasure even of a subject never seen), and has each
    /// of <paramref name="scrubbers"/> scrub the subject from its tables, and from a rebuild's shadow tables if one runs.
    /// </summary>
    Task<SubjectErasure> EraseAsync(string subject, IReadOnlyList<IPersonalDataProjection> scrubbers, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> keys wrapped by another master-key version than <paramref name="current"/>.</summary>
    Task<IReadOnlyList<WrappedSubjectKey>> WrappedOtherThanAsync(int current, int limit, CancellationToken ct);

    /// <summary>Replaces wrapped keys (same subjects, same data keys, another master version) unless erased meanwhile.</summary>
    Task<int> ReplaceAsync(IReadOnlyList<WrappedSubjectKey> keys, CancellationToken ct);

    /// <summary>The master-key versions live keys are wrapped by, with how many keys each.</summary>
    Task<IReadOnlyDictionary<int, long>> MasterVersionsInUseAsync(CancellationToken ct);

    Task<IReadOnlyDictionary<int, byte[]>> MasterChecksAsync(CancellationToken ct);

    /// <summary>Records the check value of a master-key version unless one is recorded; returns the one stored.</summary>
    Task<byte[]> AddMasterCheckAsync(int version, byte[] check, CancellationToken ct);
}
