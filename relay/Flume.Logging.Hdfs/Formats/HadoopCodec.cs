namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// One of Hadoop's compression codecs as its files carry it: the class name written into SequenceFile headers, the
/// extension Flume appends to file names, the whole-file stream its writer makes, and a decoder for that stream.
/// The instances are in <see cref="HadoopCodecs"/>.
/// </summary>
internal sealed class HadoopCodec
{
    private readonly Func<Stream, HadoopCompressionStream> _createOutput;
    private readonly Func<Stream, Stream> _createInput;

    internal HadoopCodec(string className, string extension, Func<Stream, HadoopCompressionStream> createOutput, Func<Stream, Stream> createInput)
    {
        ClassName = className;
        Extension = extension;
        _createOutput = createOutput;
        _createInput = createInput;
    }

    /// <summary>Hadoop's class name, e.g. <c>org.apache.hadoop.io.compress.GzipCodec</c>.</summary>
    public string ClassName { get; }

    /// <summary>The class name without its package, e.g. <c>GzipCodec</c>.</summary>
    public string SimpleName => ClassName[(ClassName.LastIndexOf('.') + 1)..];

    /// <summary>Hadoop's default extension, dot included, e.g. <c>.gz</c>.</summary>
    public string Extension { get; }

    /// <summary>A stream compressing into <paramref name="destination"/> as Hadoop's codec output stream does.</summary>
    public HadoopCompressionStream CreateOutput(Stream destination) => _createOutput(destination);

    /// <summary>A stream decoding everything the codec's output stream wrote to <paramref name="source"/>.</summary>
    /// <remarks>Invalid data is reported as <see cref="InvalidDataException"/>.</remarks>
    public Stream CreateInput(Stream source) => _createInput(source);

    public override string ToString() => ClassName;
}
