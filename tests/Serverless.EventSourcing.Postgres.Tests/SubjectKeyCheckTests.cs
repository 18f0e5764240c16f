using Npgsql;

namespace Serverless.EventSourcing.Postgres.Tests;

/// <summary>
/// <c>es_require_subject_keys</c>, which every append with personal data runs before it commits: it passes only while
/// every subject named still has its key, however many subjects there are and however often one is repeated.
/// </summary>
public class SubjectKeyCheckTests(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Theory]
    [InlineData(new[] { "kept" }, true)]
    [InlineData(new[] { "kept", "kept", "other" }, true)]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "erased" }, false)]
    [InlineData(new[] { "missing" }, false)]
    [InlineData(new[] { "kept", "erased", "kept" }, false)]
    [InlineData(new[] { "other", "missing" }, false)]
    public async Task An_append_may_commit_only_while_every_subject_it_names_has_its_key(string[] subjects, bool passes)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await db.ExecuteAsync(
            "insert into es_subject_keys (subject, master_version, wrapped_key, erased_at) values " +
            "($1, 1, '\\x01', null), ($2, 1, '\\x02', null), ($3, null, null, now())",
            $"{run}-kept", $"{run}-other", $"{run}-erased");

        var check = db.ExecuteAsync("select es_require_subject_keys($1)", (object)subjects.Select(s => $"{run}-{s}").ToArray());

        if (passes)
        {
            await check;
        }
        else
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => check);
            Assert.Equal("ES007", error.SqlState);
        }
    }
}
