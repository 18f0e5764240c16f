namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// Settings under <c>PersonalData</c>: the master keys by version (<c>PersonalData__MasterKeys__&lt;n&gt;</c>, 32 random
/// bytes in base64; on Azure a Key Vault reference) and the version new data keys are wrapped with
/// (<c>PersonalData__CurrentMasterKeyVersion</c>, default the highest). The master keys never reach the database.
/// </summary>
public sealed record PersonalDataOptions
{
    public IReadOnlyDictionary<int, byte[]> MasterKeys { get; init; } = new Dictionary<int, byte[]>();

    public int CurrentVersion { get; init; }

    /// <summary>How long an instance keeps a subject's unwrapped key for encrypting (decrypting always asks the database).</summary>
    public TimeSpan KeyCacheLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public bool Configured => MasterKeys.Count > 0;
}
