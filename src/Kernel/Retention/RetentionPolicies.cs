namespace Serverless.EventSourcing.Retention;

/// <summary>The policies set for whole categories (settings); a stream's own policy overrides them field by field.</summary>
public sealed class RetentionPolicies(IReadOnlyDictionary<string, StreamPolicy> categories)
{
    public static RetentionPolicies None { get; } = new(new Dictionary<string, StreamPolicy>());

    public IReadOnlyDictionary<string, StreamPolicy> Categories { get; } = categories;

    public StreamPolicy ForCategory(string category) => Categories.TryGetValue(category, out var policy) ? policy : StreamPolicy.None;

    /// <summary>The policy in force for a stream: its own fields over its category's.</summary>
    public StreamPolicy Effective(string category, StreamPolicy? own) => (own ?? StreamPolicy.None).Over(ForCategory(category));
}
