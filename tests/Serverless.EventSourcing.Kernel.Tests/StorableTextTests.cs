using System.Text;

namespace Serverless.EventSourcing.Kernel.Tests;

public class StorableTextTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("😀 paired")]
    [InlineData("tab\tand newline\n are fine")]
    public void Text_without_nul_or_lone_surrogates_is_storable(string text) => Assert.True(StorableText.IsStorable(text));

    // Built at run time: xUnit would serialize an unpaired surrogate in InlineData as U+FFFD.
    public static TheoryData<string> Unstorable => new() { "a\0b", "\ud800", "x\udc00", "\ud83dx", "\ude00\ud83d" };

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public void A_nul_or_an_unpaired_surrogate_is_not_storable(string text) => Assert.False(StorableText.IsStorable(text));

    [Theory]
    [InlineData("""{"a":"\u0000"}""", "a")]
    [InlineData("""{"a":{"b":[1,"ok","\ud800"]}}""", "a.b[2]")]
    [InlineData("""{"a":"\udc00"}""", "a")]
    [InlineData("""{"a":"\ud83d\u0041"}""", "a")]
    [InlineData("""{"a":"\ud83d"}""", "a")]
    [InlineData("""{"a":"\ud83d\ud83d\ude00"}""", "a")]
    [InlineData("""{"ok":1,"\u0000":2}""", "body")]
    [InlineData("""{"o":{"ok":1,"k\ud800":2}}""", "o")]
    [InlineData("""[{"x":1},{"y":["\u0000"]}]""", "[1].y[0]")]
    [InlineData("""  "\u0000"  """, "body")]
    public void An_unstorable_escape_anywhere_is_refused_naming_its_path(string json, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => StorableText.CheckJson(Encoding.UTF8.GetBytes(json), root: ""));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Paths_are_named_under_the_given_root()
    {
        var error = Assert.Throws<InvalidInputException>(() => StorableText.CheckJson("""{"k":["\u0000"]}"""u8, "events[3].data"));

        Assert.Equal("events[3].data.k[0]", error.Field);
    }

    [Theory]
    [InlineData("""{"smile":"\ud83d\ude00","escaped":"\\u0000 is text here","quote":"\"","tab":"\t","a\u00e9":1}""")]
    [InlineData("""[1, 2.5, true, null, "x", {"nested": []}]""")]
    [InlineData("\"😀\"")]
    public void Well_formed_storable_json_passes(string json) => StorableText.CheckJson(Encoding.UTF8.GetBytes(json), "data");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{\"a\":")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":1,}")]
    public void Input_that_is_not_one_json_value_is_refused_naming_the_root(string json) =>
        Assert.Equal("data", Assert.Throws<InvalidInputException>(() => StorableText.CheckJson(Encoding.UTF8.GetBytes(json), "data")).Field);

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_naming_the_root()
    {
        byte[] json = [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'];

        var error = Assert.Throws<InvalidInputException>(() => StorableText.CheckJson(json, "data"));

        Assert.Equal("data", error.Field);
        Assert.Contains("UTF-8", error.Reason);
    }
}
