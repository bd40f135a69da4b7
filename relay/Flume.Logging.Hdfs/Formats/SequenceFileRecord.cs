namespace Flume.Logging.Hdfs.Formats;

/// <summary>One record of a SequenceFile, its key and value as their Writables serialize them (values decompressed).</summary>
/// <param name="Key">The serialized key, e.g. 8 big-endian bytes for a LongWritable.</param>
/// <param name="Value">The serialized value, e.g. a 4-byte length and the bytes for a BytesWritable.</param>
internal readonly record struct SequenceFileRecord(byte[] Key, byte[] Value);
