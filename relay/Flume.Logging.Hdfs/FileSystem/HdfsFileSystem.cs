using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.NameNode;
using Flume.Logging.Hdfs.Protos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Hdfs.FileSystem;

/// <summary>
/// One HDFS file system as a writer sees it: the NameNode (or HA pair) for the namespace, the DataNodes for the bytes,
/// and one lease holder that keeps the leases of every file it has open for writing alive. What Hadoop's
/// <c>DistributedFileSystem</c> is to a Java client, for the operations the HDFS sink and our tools need.
/// </summary>
internal sealed class HdfsFileSystem : IAsyncDisposable
{
    /// <summary>Permission bits of new files: 0666 under Hadoop's default umask 022.</summary>
    internal const uint FilePermission = 0b110_100_100; // rw-r--r--

    /// <summary>Permission bits of new directories: 0777 under the umask 022.</summary>
    internal const uint DirectoryPermission = 0b111_101_101; // rwxr-xr-x

    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly bool _useDataNodeHostname;
    private FsServerDefaultsProto? _defaults;

    /// <param name="target">The NameNodes to talk to.</param>
    /// <param name="options">Client settings, validated here.</param>
    /// <param name="time">The clock for lease renewal and retries; the system clock by default.</param>
    /// <param name="loggers">Where failovers and failed renewals are reported.</param>
    public HdfsFileSystem(HdfsTarget target, HdfsClientOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        _useDataNodeHostname = target.UseDataNodeHostname;
        _time = time ?? TimeProvider.System;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        NameNode = new NameNodeClient(target.NameNodes, options, _time, _loggers.CreateLogger<NameNodeClient>());
        Leases = new LeaseRenewer(NameNode.RenewLeaseAsync, _time, _loggers.CreateLogger<LeaseRenewer>());
    }

    /// <summary>The NameNode protocol, for operations this type does not wrap.</summary>
    public NameNodeClient NameNode { get; }

    /// <summary>Keeps this client's leases alive while a file is open.</summary>
    internal LeaseRenewer Leases { get; }

    /// <summary>
    /// A file system at <paramref name="uri"/> (<c>hdfs://host[:port]/</c> or an HA nameservice), or at
    /// <c>fs.defaultFS</c>, read with the cluster's client configuration (by default the one under
    /// <c>HADOOP_CONF_DIR</c>). A configuration that asks for Kerberos or protected data transfer is refused here,
    /// with the setting named, rather than failing later at the first call or block.
    /// </summary>
    public static HdfsFileSystem Connect(Uri? uri, HdfsClientOptions options, HadoopConfiguration? configuration = null, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        configuration ??= HadoopConfiguration.FromEnvironment();
        if (configuration.Get("hadoop.security.authentication") is { } authentication && !authentication.Equals("simple", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"The Hadoop configuration sets hadoop.security.authentication = {authentication}; Flume.Logging's HDFS client supports SIMPLE authentication only (no Kerberos).");
        }

        if (configuration.Get("dfs.data.transfer.protection") is { } protection)
        {
            throw new NotSupportedException(
                $"The Hadoop configuration sets dfs.data.transfer.protection = {protection}, which needs a SASL handshake with every DataNode; Flume.Logging's HDFS client supports plain data transfer only.");
        }

        return new(HdfsTargetResolver.Resolve(uri, configuration), options, time, loggers);
    }

    /// <summary>
    /// The NameNode's block size, checksum and packet settings, asked once. A cluster that encrypts data transfer is
    /// refused here, before any block is written: its DataNodes expect a SASL handshake this client does not speak.
    /// </summary>
    public async Task<FsServerDefaultsProto> GetServerDefaultsAsync(CancellationToken cancellationToken)
    {
        if (_defaults is { } known)
        {
            return known;
        }

        var defaults = await NameNode.GetServerDefaultsAsync(cancellationToken).ConfigureAwait(false);
        if (defaults.EncryptDataTransfer)
        {
            throw new NotSupportedException(
                "This HDFS cluster encrypts data transfer (dfs.encrypt.data.transfer = true), which needs a SASL handshake with every DataNode; Flume.Logging's HDFS client supports clusters with SIMPLE authentication and plain data transfer only.");
        }

        return _defaults = defaults;
    }

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) for writing, replacing an existing file only when
    /// <paramref name="overwrite"/>; replication and block size default to the NameNode's. The lease is kept until the
    /// stream is closed or abandoned.
    /// </summary>
    public async Task<HdfsOutputStream> CreateAsync(string path, bool overwrite = false, uint? replication = null, ulong? blockSize = null, CancellationToken cancellationToken = default)
    {
        var defaults = await GetServerDefaultsAsync(cancellationToken).ConfigureAwait(false);
        var settings = new CreateFileSettings(FilePermission, overwrite, CreateParent: true, replication ?? defaults.Replication, blockSize ?? defaults.BlockSize);
        var status = await NameNode.CreateAsync(path, settings, cancellationToken).ConfigureAwait(false);
        var writerOptions = new BlockWriterOptions
        {
            ClientName = NameNode.ClientName,
            ChecksumType = defaults.ChecksumType,
            BytesPerChecksum = (int)defaults.BytesPerChecksum,
            WritePacketSize = (int)defaults.WritePacketSize,
            UseDataNodeHostname = _useDataNodeHostname,
        };
        Leases.FileOpened();
        return new HdfsOutputStream(this, path, status.FileId, (long)settings.BlockSize, (int)settings.Replication, writerOptions, _loggers.CreateLogger<HdfsOutputStream>());
    }

    /// <summary>The status of <paramref name="path"/>, or null when nothing is there.</summary>
    public Task<HdfsFileStatusProto?> GetFileInfoAsync(string path, CancellationToken cancellationToken = default) =>
        NameNode.GetFileInfoAsync(path, cancellationToken);

    /// <summary>Creates <paramref name="path"/> and its missing parents; true when it exists afterwards.</summary>
    public Task<bool> MkdirsAsync(string path, CancellationToken cancellationToken = default) =>
        NameNode.MkdirsAsync(path, DirectoryPermission, createParent: true, cancellationToken);

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>, replacing a file there only when <paramref name="overwrite"/>.</summary>
    public Task RenameAsync(string source, string destination, bool overwrite = false, CancellationToken cancellationToken = default) =>
        NameNode.Rename2Async(source, destination, overwrite, cancellationToken);

    /// <summary>Deletes <paramref name="path"/> (a directory only with <paramref name="recursive"/>); false when nothing was there.</summary>
    public Task<bool> DeleteAsync(string path, bool recursive = false, CancellationToken cancellationToken = default) =>
        NameNode.DeleteAsync(path, recursive, cancellationToken);

    /// <summary>
    /// Starts recovering the lease of a file another (perhaps dead) writer left open; true once the file is closed.
    /// Ask again until it is, as Hadoop's <c>recoverLease</c> callers do.
    /// </summary>
    public Task<bool> RecoverLeaseAsync(string path, CancellationToken cancellationToken = default) =>
        NameNode.RecoverLeaseAsync(path, cancellationToken);

    /// <summary>Every entry of directory <paramref name="path"/>, following the NameNode's pages.</summary>
    public async Task<IReadOnlyList<HdfsFileStatusProto>> ListAsync(string path, CancellationToken cancellationToken = default)
    {
        var entries = new List<HdfsFileStatusProto>();
        var after = ReadOnlyMemory<byte>.Empty;
        while (true)
        {
            var page = await NameNode.GetListingAsync(path, after, needLocation: false, cancellationToken).ConfigureAwait(false)
                ?? throw new FileNotFoundException($"HDFS directory {path} does not exist", path);
            entries.AddRange(page.PartialListing);
            if (page.RemainingEntries == 0 || page.PartialListing.Count == 0)
            {
                return entries;
            }

            after = page.PartialListing[^1].Path.Memory;
        }
    }

    /// <summary>
    /// Reads all of <paramref name="path"/>, block by block from the first DataNode that answers, every checksum
    /// verified. A file still being written reads up to what its DataNodes have acknowledged.
    /// </summary>
    public async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        var located = await NameNode.GetBlockLocationsAsync(path, 0, long.MaxValue, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"HDFS file {path} does not exist", path);
        var blocks = new List<LocatedBlockProto>(located.Blocks);
        if (located.LastBlock is { } last && !blocks.Exists(b => b.B.BlockId == last.B.BlockId))
        {
            blocks.Add(last);
        }

        var length = 0L;
        foreach (var block in blocks)
        {
            length = Math.Max(length, (long)block.Offset + (long)block.B.NumBytes);
        }

        var bytes = new byte[length];
        var readerOptions = new BlockReaderOptions { ClientName = NameNode.ClientName, UseDataNodeHostname = _useDataNodeHostname };
        foreach (var block in blocks)
        {
            await ReadBlockAsync(block, bytes.AsMemory((int)block.Offset, (int)block.B.NumBytes), readerOptions, cancellationToken).ConfigureAwait(false);
        }

        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await Leases.DisposeAsync().ConfigureAwait(false);
        await NameNode.DisposeAsync().ConfigureAwait(false);
    }

    // Each replica in turn: a DataNode that is down or serves a bad checksum is skipped, as Hadoop's reader does.
    private static async Task ReadBlockAsync(LocatedBlockProto block, Memory<byte> destination, BlockReaderOptions options, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        var failures = new List<DataNodeException>();
        for (var node = 0; node < block.Locs.Count; node++)
        {
            try
            {
                await BlockReader.ReadAsync(block, node, 0, destination, options, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DataNodeException e)
            {
                failures.Add(e);
            }
        }

        throw new IOException(
            $"no DataNode could serve block {block.B.BlockId} ({block.Locs.Count} locations): {string.Join("; ", failures.ConvertAll(f => f.Message))}",
            failures.Count > 0 ? new AggregateException(failures) : null);
    }
}
