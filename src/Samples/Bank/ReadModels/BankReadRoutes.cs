using System.Globalization;
using System.Net;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Modules;
using Serverless.EventSourcing.Projections;
using Serverless.EventSourcing.Samples.Bank.Accounts;

namespace Serverless.EventSourcing.Samples.Bank.ReadModels;

/// <summary>The bank's read routes under <c>/api/read/</c>: balances, statements (paged by version), daily totals.</summary>
public static class BankReadRoutes
{
    public static void Register(DomainBuilder domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        domain
            .ReadRoute("accounts/{id}", "An account's balance", ReadAccess.Stream(AccountAggregate.Category, "id"), BalanceAsync)
            .ReadRoute(
                "accounts/{id}/statement",
                "An account's movements with running balance, paged by version",
                ReadAccess.Stream(AccountAggregate.Category, "id"),
                StatementAsync,
                ReadParameter.Integer("afterVersion", "Only movements after this version (the previous page's nextAfterVersion)"),
                ReadParameter.Limit)
            .ReadRoute(
                "daily-totals",
                "Totals per currency for a UTC day",
                ReadAccess.Category(AccountAggregate.Category),
                DailyTotalsAsync,
                ReadParameter.Date("date", "The UTC day, yyyy-MM-dd (default today)"));
    }

    private static async Task<ApiResponse> BalanceAsync(ApiContext context, IReadModelQueries queries)
    {
        var rows = await queries.QueryAsync(
            $"select account_id as \"accountId\", owner, currency, balance, status, version, updated_at as \"updatedAt\" from {BalancesProjection.Table} where account_id = $1",
            context.Route("id"));
        return rows.Count == 0
            ? ApiResponse.Problem(Problem.NotFound($"No balance for account {context.Route("id")} (yet)."))
            : ApiResponse.Of(HttpStatusCode.OK, rows[0]);
    }

    private static async Task<ApiResponse> StatementAsync(ApiContext context, IReadModelQueries queries)
    {
        var limit = context.Limit();
        var rows = await queries.QueryAsync(
            $"select version, occurred_at as \"occurredAt\", kind, amount, balance_after as \"balanceAfter\", reference from {StatementProjection.Table} " +
            "where account_id = $1 and version > $2 order by version limit $3",
            context.Route("id"), context.QueryLong("afterVersion") ?? 0, limit + 1);
        long? next = rows.Count > limit ? (long)rows[limit - 1]["version"]! : null;
        return ApiResponse.Of(HttpStatusCode.OK, new { accountId = context.Route("id"), lines = rows.Take(limit), nextAfterVersion = next })
            .WithNextLink(context.Request, "afterVersion", next);
    }

    private static async Task<ApiResponse> DailyTotalsAsync(ApiContext context, IReadModelQueries queries)
    {
        var text = context.Query("date");
        var date = text is null
            ? DateOnly.FromDateTime(DateTime.UtcNow)
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : throw new InvalidInputException("date", "must be a date like 2026-11-22");
        var rows = await queries.QueryAsync(
            $"select currency, deposited, withdrawn, movements from {DailyTotalsProjection.Table} where day = $1 order by currency", date);
        return ApiResponse.Of(HttpStatusCode.OK, new { date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), totals = rows });
    }
}
