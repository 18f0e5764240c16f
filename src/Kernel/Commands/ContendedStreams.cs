using System.Collections.Concurrent;

namespace Serverless.EventSourcing.Commands;

/// <summary>
/// Streams whose commands recently lost an optimistic race, so their next commands queue on the lock at once instead
/// of reading twice. Per process and bounded: past <see cref="Capacity"/> streams it forgets them all, which only
/// costs each of them one more race.
/// </summary>
internal sealed class ContendedStreams(TimeSpan memory, TimeProvider time)
{
    public const int Capacity = 10_000;
    private readonly ConcurrentDictionary<string, long> _until = new(StringComparer.Ordinal);

    public bool IsContended(string stream)
    {
        if (!_until.TryGetValue(stream, out var until))
        {
            return false;
        }

        if (time.GetTimestamp() < until)
        {
            return true;
        }

        _until.TryRemove(new KeyValuePair<string, long>(stream, until));
        return false;
    }

    public void Saw(string stream)
    {
        if (_until.Count >= Capacity)
        {
            _until.Clear();
        }

        _until[stream] = time.GetTimestamp() + (long)(memory.TotalSeconds * time.TimestampFrequency);
    }
}
