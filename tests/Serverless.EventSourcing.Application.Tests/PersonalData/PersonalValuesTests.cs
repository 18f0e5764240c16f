using System.Security.Cryptography;
using System.Text;
using Serverless.EventSourcing.Application.PersonalData;

namespace Serverless.EventSourcing.Application.Tests.PersonalData;

/// <summary>The in-place rendering of tokens in a response: which category each token belongs to, and what replaces it.</summary>
public sealed class PersonalValuesTests
{
    private static readonly byte[] AdaKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] BobKey = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Tokens_are_replaced_by_what_the_reader_may_see_and_every_other_byte_is_kept()
    {
        // Given a page of two envelopes (categories account and order) and a token outside any envelope
        var ada = PersonalTokens.Seal("ada", AdaKey, "\"Ada Lovelace\"");
        var bob = PersonalTokens.Seal("bob", BobKey, "{\"street\":\"1 Main St\"}");
        var json = $$$"""{"events":[{"eventId":"e1","streamId":"account-1","category":"account","data":{"owner":"{{{ada}}}","n":1.50}},{"streamId":"order-1","category":"order","data":{"address":"{{{bob}}}","tags":["{{{ada}}}"]}}],"loose":"{{{ada}}}","note":"pd1.not-a-token"}""";
        var bytes = Encoding.UTF8.GetBytes(json);

        // When the reader may see account data only, and bob's key is gone
        var tokens = PersonalValues.Locate(bytes);
        var rendered = Encoding.UTF8.GetString(PersonalValues.Splice(bytes, tokens, t => t.Category == "account", new Dictionary<string, byte[]> { ["ada"] = AdaKey }));

        // Then each token is judged by its own envelope's category, outside any envelope it is not shown
        Assert.Equal(["account", "order", "order", null], tokens.Select(t => t.Category));
        Assert.Equal(
            """{"events":[{"eventId":"e1","streamId":"account-1","category":"account","data":{"owner":"Ada Lovelace","n":1.50}},{"streamId":"order-1","category":"order","data":{"address":"[erased]","tags":["[personal]"]}}],"loose":"[personal]","note":"pd1.not-a-token"}""",
            rendered);
    }

    [Fact]
    public void A_token_opened_with_another_subjects_key_is_not_shown()
    {
        var forged = PersonalTokens.Seal("ada", BobKey, "\"Ada\"");
        var bytes = Encoding.UTF8.GetBytes($$$"""{"streamId":"account-1","category":"account","owner":"{{{forged}}}"}""");
        var rendered = Encoding.UTF8.GetString(PersonalValues.Splice(bytes, PersonalValues.Locate(bytes), _ => true, new Dictionary<string, byte[]> { ["ada"] = AdaKey }));
        Assert.Equal("""{"streamId":"account-1","category":"account","owner":"[personal]"}""", rendered);
    }
}
