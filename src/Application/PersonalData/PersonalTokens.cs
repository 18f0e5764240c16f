using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.EventSourcing.Application.PersonalData;

/// <summary>
/// A personal value as it is stored: the JSON string <c>pd1.&lt;subject&gt;.&lt;sealed&gt;</c>, both parts base64url. The sealed part is
/// AES-256-GCM (System.Security.Cryptography) of the value's JSON text under the subject's data key: a 12-byte random
/// nonce, the ciphertext, the 16-byte tag; the associated data binds it to the subject. Wherever the event goes
/// (events, snapshots, caches, Kafka, read models that keep ciphertext) this string goes, and nothing else of the value.
/// </summary>
public static class PersonalTokens
{
    public const string Prefix = "pd1.";

    /// <summary>What a read shows for a value whose subject was erased.</summary>
    public const string ErasedMarker = "[erased]";

    /// <summary>What a read shows for a personal value to a caller without the <c>personal</c> permission.</summary>
    public const string RedactedMarker = "[personal]";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>UTF-8 of <c>"pd1.</c>: a response without it holds no token and is left alone.</summary>
    public static ReadOnlySpan<byte> Marker => "\"pd1."u8;

    public static string Seal(string subject, byte[] dataKey, string plainJson)
    {
        var plain = Encoding.UTF8.GetBytes(plainJson);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Associated(subject));
        return Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(subject)) + "." + Base64Url.EncodeToString(sealedBytes);
    }

    public static bool IsToken(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The subject a token names, and its sealed bytes; false for anything that is not a well-formed token.</summary>
    public static bool TryParse(string text, out string subject, out byte[] sealedBytes)
    {
        subject = "";
        sealedBytes = [];
        if (!IsToken(text))
        {
            return false;
        }

        var dot = text.IndexOf('.', Prefix.Length);
        if (dot < 0)
        {
            return false;
        }

        try
        {
            subject = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length, dot - Prefix.Length)));
            sealedBytes = Base64Url.DecodeFromChars(text.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }

        return subject.Length > 0 && sealedBytes.Length >= NonceSize + TagSize;
    }

    /// <summary>The value's JSON text, or null when the key does not open it (another subject's key, or tampered bytes).</summary>
    public static string? Open(string subject, byte[] dataKey, byte[] sealedBytes)
    {
        using var aes = Cipher(dataKey);
        return Open(subject, aes, sealedBytes);
    }

    /// <summary>A subject's cipher, for opening many of its values (the caller disposes it).</summary>
    public static AesGcm Cipher(byte[] dataKey) => new(dataKey, TagSize);

    /// <summary>As <see cref="Open(string, byte[], byte[])"/>, with a cipher made once for the subject's key.</summary>
    public static string? Open(string subject, AesGcm cipher, byte[] sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        ArgumentNullException.ThrowIfNull(sealedBytes);
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            cipher.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Associated(subject));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] Associated(string subject) => Encoding.UTF8.GetBytes(Prefix + subject);
}
