using System.Globalization;

namespace Flume.Logging.Protocol.Thrift;

/// <summary>
/// Why Thrift bytes were rejected and where. The reason is a constant so that rejecting hostile input allocates
/// nothing; the text is built only when someone logs it.
/// </summary>
/// <param name="Reason">What was wrong, for example "list size is negative".</param>
/// <param name="Offset">Byte offset in the frame (or buffer) where the problem was found.</param>
/// <param name="Value">The offending number (a length or count) when there is one, else -1.</param>
internal readonly record struct ThriftDecodeError(string Reason, int Offset, long Value = -1)
{
    /// <inheritdoc/>
    public override string ToString() => Reason is null
        ? "no error"
        : Value >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Reason}: {Value} (at byte {Offset})")
            : string.Create(CultureInfo.InvariantCulture, $"{Reason} (at byte {Offset})");
}
