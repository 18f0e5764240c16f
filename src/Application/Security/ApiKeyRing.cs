using System.Security.Cryptography;
using System.Text;
using Serverless.EventSourcing.Security;

namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// The configured API keys, held only as SHA-256 digests. A presented key is hashed once and compared with every
/// digest in constant time (no early exit), so neither the comparison nor the number of keys tried tells how close a
/// guess came. Keys are long random strings, so a fast hash is enough; never a person's password.
/// </summary>
public sealed class ApiKeyRing(IReadOnlyList<ApiKeyEntry> keys)
{
    public bool Any => keys.Count > 0;

    public Principal? Find(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        ApiKeyEntry? match = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key.Sha256))
            {
                match = key;
            }
        }

        return match is null ? null : Principal.ForKey(match.Name, match.Roles);
    }

    /// <summary>The digest settings hold for a key: <c>sha256:&lt;64 hex digits&gt;</c> (what <c>printf %s "$KEY" | sha256sum</c> prints).</summary>
    public static string Digest(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
