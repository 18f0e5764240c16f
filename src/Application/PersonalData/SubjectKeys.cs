using System.Collections.Concurrent;
using Serverless.EventSourcing.PersonalData;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// Subjects' data keys, unwrapped. Encryption may use a key this instance held for a few minutes: the append that uses
/// it still commits only while the key exists (the store checks in its transaction). Decryption always asks the
/// database, so an erasure is in force everywhere the moment it commits.
/// </summary>
/// <param name="store">For reads outside a command (decryption): the shared pool.</param>
/// <param name="duringWrites">For a command that holds its write connection: a pool of its own, so commands never wait on each other's connections.</param>
public sealed class SubjectKeys(ISubjectKeyStore store, ISubjectKeyStore duringWrites, MasterKeyRing ring, PersonalDataOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (byte[] Key, DateTimeOffset Until)> _forEncryption = new(StringComparer.Ordinal);

    /// <summary>The subject's key, made on its first use; null when the subject was erased.</summary>
    public async Task<byte[]?> ForEncryptionAsync(string subject, CancellationToken ct)
    {
        if (_forEncryption.TryGetValue(subject, out var cached) && cached.Until > time.GetUtcNow())
        {
            return cached.Key;
        }

        var state = (await duringWrites.GetAsync([subject], ct)).GetValueOrDefault(subject) ?? SubjectKeyState.Unknown;
        if (state is { Key: null, Erased: false })
        {
            var (_, wrapped) = ring.NewKey(subject);
            state = await duringWrites.CreateAsync(wrapped, ct);
        }

        if (state.Key is not { } stored)
        {
            _forEncryption.TryRemove(subject, out _);
            return null;
        }

        var key = ring.Unwrap(stored);
        _forEncryption[subject] = (key, time.GetUtcNow() + options.KeyCacheLifetime);
        return key;
    }

    /// <summary>The keys of <paramref name="subjects"/> that exist now (erased and unknown subjects are left out).</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> ForDecryptionAsync(IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        var found = await store.GetAsync(subjects, ct);
        return found.Where(s => s.Value.Key is not null).ToDictionary(s => s.Key, s => ring.Unwrap(s.Value.Key!), StringComparer.Ordinal);
    }

    /// <summary>Unwraps keys read by someone else (a projection, in its own transaction).</summary>
    public byte[] Unwrap(WrappedSubjectKey key) => ring.Unwrap(key);

    /// <summary>This instance forgets an erased subject's key at once (others within <see cref="PersonalDataOptions.KeyCacheLifetime"/>, and their appends are refused).</summary>
    public void Forget(string subject) => _forEncryption.TryRemove(subject, out _);
}
