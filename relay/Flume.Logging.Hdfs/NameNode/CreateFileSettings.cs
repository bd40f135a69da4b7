namespace Flume.Logging.Hdfs.NameNode;

/// <summary>How <c>create</c> makes a file.</summary>
/// <param name="Permission">Permission bits after the umask, e.g. 0644 (octal).</param>
/// <param name="Overwrite">Replace an existing file instead of failing with FileAlreadyExistsException.</param>
/// <param name="CreateParent">Create missing parent directories instead of failing with FileNotFoundException.</param>
/// <param name="Replication">Replicas per block.</param>
/// <param name="BlockSize">Bytes per block.</param>
internal sealed record CreateFileSettings(uint Permission, bool Overwrite, bool CreateParent, uint Replication, ulong BlockSize);
