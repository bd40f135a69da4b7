namespace Flume.Logging.Fuzz;

/// <summary>
/// One harness: a decoder fed bytes as they arrive from outside. <see cref="Run"/> returns normally for every input,
/// valid or not; an exception escaping it, or a run that does not end, is a bug the fuzzer reports.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name fuzz.sh and the corpus folder use.</summary>
    string Name { get; }

    /// <summary>Feeds <paramref name="input"/> to the decoder.</summary>
    void Run(byte[] input);

    /// <summary>Valid inputs made by our own encoders, from which the fuzzer starts.</summary>
    IEnumerable<byte[]> Seeds();
}
