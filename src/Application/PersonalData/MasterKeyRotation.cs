using Serverless.EventSourcing.PersonalData;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// Master keys rotate without touching events: a new version becomes current for new data keys, and this re-wraps the
/// existing data keys (the same keys, so every event stays readable) under it, after which the old version can go.
/// At start-up it proves each configured version is the key that wrapped before, and that every version keys are
/// wrapped with is configured: a wrong master key stops the host instead of reading garbage.
/// </summary>
public sealed class MasterKeyRotation(ISubjectKeyStore store, MasterKeyRing ring, PersonalDataCatalog catalog)
{
    public async Task VerifyAsync(CancellationToken ct)
    {
        if (!ring.Configured)
        {
            if (catalog.Any)
            {
                throw new InvalidOperationException(
                    "A module declares personal data, but no master key is configured: set PersonalData:MasterKeys:1 (PersonalData__MasterKeys__1) " +
                    "to 32 random bytes in base64 (openssl rand -base64 32); on Azure a Key Vault reference. Personal fields are never stored in plain text.");
            }

            return;
        }

        var checks = await store.MasterChecksAsync(ct);
        foreach (var version in ring.Versions)
        {
            var check = checks.TryGetValue(version, out var stored) ? stored : await store.AddMasterCheckAsync(version, ring.CheckValue(version), ct);
            if (!ring.Verifies(version, check))
            {
                throw new InvalidOperationException($"PersonalData:MasterKeys:{version} is not the master key version {version} that this database's data keys were wrapped with. Refusing to start rather than read garbage.");
            }
        }

        var missing = (await store.MasterVersionsInUseAsync(ct)).Keys.Where(v => !ring.Versions.Contains(v)).Order().ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Data keys are wrapped with master key version(s) {string.Join(", ", missing)}, which are not configured (PersonalData:MasterKeys:<version>). Configure them, or re-wrap before removing them.");
        }
    }

    /// <summary>Re-wraps up to <paramref name="max"/> data keys under the current version; returns how many, and how many keys each version still wraps.</summary>
    public async Task<(int Rewrapped, IReadOnlyDictionary<int, long> Remaining)> RewrapAsync(int max, CancellationToken ct)
    {
        var done = 0;
        while (done < max)
        {
            var batch = await store.WrappedOtherThanAsync(ring.CurrentVersion, Math.Min(500, max - done), ct);
            if (batch.Count == 0)
            {
                break;
            }

            done += await store.ReplaceAsync([.. batch.Select(k => ring.Wrap(k.Subject, ring.Unwrap(k), ring.CurrentVersion))], ct);
        }

        return (done, await store.MasterVersionsInUseAsync(ct));
    }
}
