namespace Serverless.EventSourcing.Kernel.Tests;

public class ExpectedVersionTests
{
    [Theory]
    [InlineData("any", -1)]
    [InlineData(null, -1)]
    [InlineData("no_stream", 0)]
    [InlineData("stream_exists", -2)]
    [InlineData("0", 0)]
    [InlineData("17", 17)]
    public void Parses_every_mode(string? text, long value) => Assert.Equal(value, ExpectedVersion.Parse(text).Value);

    [Theory]
    [InlineData("-3")]
    [InlineData("latest")]
    [InlineData("1.5")]
    public void Rejects_anything_else(string text) =>
        Assert.Equal("expectedVersion", Assert.Throws<InvalidInputException>(() => ExpectedVersion.Parse(text)).Field);

    [Fact]
    public void Round_trips_through_text()
    {
        foreach (var v in new[] { ExpectedVersion.Any, ExpectedVersion.NoStream, ExpectedVersion.StreamExists, ExpectedVersion.Exactly(9) })
        {
            Assert.Equal(v, ExpectedVersion.Parse(v.ToString()));
        }
    }
}
