using Azure.Core;
using Azure.Identity;

namespace Serverless.EventSourcing.Functions;

/// <summary>
/// Entra ID access tokens for Azure Database for PostgreSQL. The shared registration uses the provider
/// only when <c>Postgres:UseEntraAuthentication</c> is true; <see cref="DefaultAzureCredential"/> picks the
/// user-assigned identity from <c>AZURE_CLIENT_ID</c>, which the Bicep sets.
/// </summary>
internal static class PostgresEntraToken
{
    private static readonly TokenRequestContext Request = new(["https://ossrdbms-aad.database.windows.net/.default"]);

    public static Func<CancellationToken, ValueTask<string>> Provider()
    {
        var credential = new DefaultAzureCredential();
        return async ct => (await credential.GetTokenAsync(Request, ct)).Token;
    }
}
