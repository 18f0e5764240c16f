using Serverless.EventSourcing.Application.Security;

namespace Serverless.EventSourcing.Application.Tests.Security;

/// <summary>Grants as settings write them, and what a principal's grants together allow.</summary>
public sealed class GrantTests
{
    [Theory]
    [InlineData("read", "read:*")]
    [InlineData("read:*", "read:*")]
    [InlineData("execute:account@own", "execute:account@own")]
    [InlineData("read:order,account@own", "read:account@own,order")]
    [InlineData("read:account:MoneyDeposited,MoneyWithdrawn", "read:account:MoneyDeposited,MoneyWithdrawn")]
    [InlineData("act-as", "act-as:*")]
    public void A_grant_reads_back_as_written(string text, string expected) => Assert.Equal(expected, Grant.Parse(text, "test").ToString());

    [Theory]
    [InlineData("fly", "permission")]
    [InlineData("read:1account", "category")]
    [InlineData("read:account@mine", "category")]
    [InlineData("write:note:noted", "only read grants")]
    [InlineData("read:a:b:c", "permission[:categories[:eventTypes]]")]
    [InlineData("read:account:", "empty name")]
    public void A_malformed_grant_fails_naming_the_setting_and_why(string text, string why)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Grant.Parse(text, "Auth:Roles:x"));
        Assert.Contains("Auth:Roles:x", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Own_only_grants_reach_owned_streams_and_never_across_categories()
    {
        var rights = AccessRights.Of(BuiltInRoles.Parse("read:account@own execute:account@own read:note"));

        Assert.Null(rights.AnyStream(Permission.Read, "account"));
        Assert.True(rights.OwnedStream(Permission.Read, "account")!.IsAll);
        Assert.True(rights.NeedsOwnership(Permission.Execute, "account"));
        Assert.Null(rights.OwnedStream(Permission.Write, "account"));
        var visible = rights.Visible()!;
        Assert.True(visible.Allows("note", "anything"));
        Assert.False(visible.Allows("account", "MoneyDeposited"));
        Assert.False(visible.Allows("order", "OrderCreated"));
    }

    [Fact]
    public void Types_add_up_across_grants_and_a_grant_on_every_category_never_reaches_the_audit_trail()
    {
        var rights = AccessRights.Of(BuiltInRoles.Parse("read:account:MoneyDeposited read:*:AccountOpened"));

        Assert.Equal(["AccountOpened", "MoneyDeposited"], rights.AnyStream(Permission.Read, "account")!.Types!.Order());
        var visible = rights.Visible()!;
        Assert.True(visible.Allows("order", "AccountOpened"));
        Assert.False(visible.Allows("order", "OrderCreated"));
        Assert.False(visible.Allows(AuditTrail.Category, "AccountOpened"));
        Assert.Null(rights.AnyStream(Permission.Read, AuditTrail.Category));
        Assert.NotNull(AccessRights.Of(BuiltInRoles.All["auditor"]).AnyStream(Permission.Read, AuditTrail.Category));
    }

    [Fact]
    public void Nobody_but_the_server_writes_the_audit_trail_not_even_an_admin()
    {
        var admin = AccessRights.Of(BuiltInRoles.All[BuiltInRoles.Admin]);

        Assert.Null(admin.AnyStream(Permission.Write, AuditTrail.Category));
        Assert.Null(admin.OwnedStream(Permission.Operate, AuditTrail.Category));
        Assert.True(admin.HasEverywhere(Permission.Operate));
    }
}
