using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serverless.EventSourcing.Application.PersonalData;

namespace Serverless.EventSourcing.Hosting;

/// <summary>
/// Reads <c>PersonalData__MasterKeys__&lt;version&gt;</c> (base64 of 32 bytes each) and <c>PersonalData__CurrentMasterKeyVersion</c>,
/// refusing anything that is not exactly that, without echoing a key.
/// </summary>
public static class PersonalDataSettings
{
    public static PersonalDataOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("PersonalData");
        var keys = new Dictionary<int, byte[]>();
        foreach (var entry in section.GetSection("MasterKeys").GetChildren())
        {
            if (string.IsNullOrWhiteSpace(entry.Value))
            {
                continue; // the sample lists the setting empty
            }

            if (!int.TryParse(entry.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                throw new InvalidOperationException($"Setting PersonalData:MasterKeys:{entry.Key}: a master key's name is its version, a whole number from 1.");
            }

            keys[version] = Key(entry.Value, version);
        }

        var current = keys.Count > 0 && section["CurrentMasterKeyVersion"] is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && keys.ContainsKey(v)
                ? v
                : throw new InvalidOperationException($"Setting PersonalData:CurrentMasterKeyVersion is '{text}', but PersonalData:MasterKeys holds versions {string.Join(", ", keys.Keys.Order())}.")
            : keys.Count == 0 ? 0 : keys.Keys.Max();
        return new PersonalDataOptions { MasterKeys = keys, CurrentVersion = current };
    }

    private static byte[] Key(string value, int version)
    {
        try
        {
            var key = Convert.FromBase64String(value.Trim());
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidOperationException($"Setting PersonalData:MasterKeys:{version} must be 32 random bytes in base64 (openssl rand -base64 32).");
    }
}
