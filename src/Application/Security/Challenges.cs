namespace Serverless.EventSourcing.Application.Security;

/// <summary>
/// The <c>WWW-Authenticate</c> value of a 401 (RFC 6750 §3): a <c>Bearer</c> challenge when tokens are accepted and an
/// <c>ApiKey</c> one naming the header when keys are, the error code and description on the first of them.
/// </summary>
public static class Challenges
{
    public const string Realm = "serverless-eventsourcing";

    public static string For(AuthFailure failure, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(options);
        var error = failure.Error is null ? "" : $", error=\"{failure.Error}\", error_description=\"{Quote(failure.Description)}\"";
        var challenges = new List<string>(2);
        if (options.TokensEnabled)
        {
            challenges.Add($"Bearer realm=\"{Realm}\"{error}");
            error = "";
        }

        if (options.KeysEnabled)
        {
            challenges.Add($"ApiKey realm=\"{Realm}\", header=\"{RequestAuthenticator.KeyHeader}\"{error}");
        }

        return string.Join(", ", challenges);
    }

    // A quoted-string may not hold a bare quote or backslash; our descriptions are plain ASCII sentences.
    private static string Quote(string text) => text.Replace("\\", "", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal);
}
