namespace Serverless.EventSourcing.Projections;

/// <summary>What a projection keeps of declared personal fields.</summary>
public enum PersonalDataUse
{
    /// <summary>It stores the encrypted values as they come (nothing readable to scrub; erasure makes them unreadable).</summary>
    Ciphertext,

    /// <summary>It needs the plain values: it gets them decrypted, and scrubs a subject's rows when the subject is erased.</summary>
    PlainValues,
}

/// <summary>
/// A projection whose read model holds personal data says so. With <see cref="PersonalDataUse.PlainValues"/> the
/// dispatcher hands it envelopes with the declared fields decrypted (erased ones as the erasure marker) and an erasure
/// calls <see cref="ScrubAsync"/> in the transaction that destroys the subject's key.
/// </summary>
public interface IPersonalDataProjection : IProjection
{
    PersonalDataUse PersonalData { get; }

    /// <summary>Removes or blanks what the read model holds of <paramref name="subject"/> (only called for <see cref="PersonalDataUse.PlainValues"/>).</summary>
    Task ScrubAsync(string subject, IReadModelSession session, CancellationToken ct);
}
