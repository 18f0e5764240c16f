namespace Serverless.EventSourcing.Kernel.Tests;

public class StreamIdTests
{
    [Theory]
    [InlineData("account-42", "account", "42")]
    [InlineData("saga-0f8e-77", "saga", "0f8e-77")]
    [InlineData("order_line-a.b:c", "order_line", "a.b:c")]
    public void Valid_ids_split_into_category_and_id(string value, string category, string id)
    {
        var streamId = StreamId.Parse(value);

        Assert.Equal(category, streamId.Category);
        Assert.Equal(id, streamId.Id);
        Assert.Equal(value, streamId.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("account")]
    [InlineData("account-")]
    [InlineData("-42")]
    [InlineData("1account-42")]
    [InlineData("account-4 2")]
    [InlineData("account-42/x")]
    [InlineData("acc'ount-42")]
    public void Invalid_ids_are_rejected_naming_the_field(string? value)
    {
        var error = Assert.Throws<InvalidInputException>(() => StreamId.Parse(value));

        Assert.Equal("streamId", error.Field);
    }

    [Fact]
    public void Ids_longer_than_the_limit_are_rejected()
    {
        var value = "account-" + new string('x', StreamId.MaxLength);

        Assert.False(StreamId.TryParse(value, out _, out var error));
        Assert.Contains("longer", error);
    }
}
