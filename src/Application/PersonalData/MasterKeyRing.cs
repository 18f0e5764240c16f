using System.Security.Cryptography;
using System.Text;
using Serverless.EventSourcing.PersonalData;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// Wraps and unwraps subjects' data keys with the master keys (AES-256-GCM, the subject and master-key version as
/// associated data), and proves at start-up that each configured master key is the one that wrapped before.
/// </summary>
public sealed class MasterKeyRing(PersonalDataOptions options)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const string CheckText = "Serverless.EventSourcing master key check";

    public int CurrentVersion => options.CurrentVersion;

    public bool Configured => options.Configured;

    public IReadOnlyCollection<int> Versions => options.MasterKeys.Keys.ToList();

    /// <summary>A new random data key for <paramref name="subject"/>, wrapped with the current master key.</summary>
    public (byte[] DataKey, WrappedSubjectKey Wrapped) NewKey(string subject)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        return (dataKey, Wrap(subject, dataKey, CurrentVersion));
    }

    public WrappedSubjectKey Wrap(string subject, byte[] dataKey, int version) =>
        new(subject, version, Seal(Master(version), dataKey, $"subject-key:{version}:{subject}"));

    /// <exception cref="InvalidOperationException">The master key of that version is not configured, or does not open the key.</exception>
    public byte[] Unwrap(WrappedSubjectKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Open(Master(key.MasterVersion), key.WrappedKey, $"subject-key:{key.MasterVersion}:{key.Subject}")
            ?? throw new InvalidOperationException($"Master key version {key.MasterVersion} does not open a data key it is said to have wrapped: PersonalData:MasterKeys:{key.MasterVersion} is not the key that was used.");
    }

    public byte[] CheckValue(int version) => Seal(Master(version), Encoding.UTF8.GetBytes(CheckText), $"check:{version}");

    public bool Verifies(int version, byte[] check) => Open(Master(version), check, $"check:{version}") is { } text && Encoding.UTF8.GetString(text) == CheckText;

    private byte[] Master(int version) => options.MasterKeys.TryGetValue(version, out var key)
        ? key
        : throw new InvalidOperationException($"Master key version {version} is not configured (PersonalData:MasterKeys:{version}).");

    private static byte[] Seal(byte[] key, byte[] plain, string associated)
    {
        var output = new byte[NonceSize + plain.Length + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(associated));
        return output;
    }

    private static byte[]? Open(byte[] key, byte[] sealedBytes, string associated)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Encoding.UTF8.GetBytes(associated));
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
