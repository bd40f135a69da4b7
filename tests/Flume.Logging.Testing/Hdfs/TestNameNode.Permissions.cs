using System.Globalization;
using Flume.Logging.Hdfs.Ipc;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>
/// HDFS's permission check for the operations that add, move or remove a name: the caller needs write and search
/// (x) permission on the parent directory. Groups are not modelled: a caller that does not own the directory gets
/// its "other" bits. The superuser (<c>hdfs</c>, who owns the root) passes every check, as in Hadoop.
/// </summary>
public sealed partial class TestNameNode
{
    private const string SuperUser = "hdfs";

    // The root is open to everyone, as many test and sandbox clusters leave it, so tests can make any directory they
    // need; AddDirectory makes the closed ones a permission test needs below it.
    private const uint RootPermission = 0x1FF; // 0777

    private const uint WriteAndSearch = 3; // -wx

    /// <summary>Adds a directory (and its missing parents, open to all) owned by <paramref name="owner"/> with <paramref name="permission"/>.</summary>
    public void AddDirectory(string path, string owner, uint permission)
    {
        lock (_state.Lock)
        {
            var normalized = Normalize(path);
            EnsureParent(normalized, createParent: true, SuperUser);
            AddInode(normalized, isDirectory: true, owner, permission);
        }
    }

    /// <summary>Changes the permission bits of <paramref name="path"/>, as <c>hdfs dfs -chmod</c> would.</summary>
    public void SetPermission(string path, uint permission)
    {
        lock (_state.Lock)
        {
            _state.Inodes[Normalize(path)].Permission = permission;
        }
    }

    /// <summary>Throws Hadoop's <c>AccessControlException</c> unless <paramref name="user"/> may add or remove names in <paramref name="directory"/>.</summary>
    private static void RequireWriteAccess(TestInode directory, string user)
    {
        if (user == SuperUser)
        {
            return;
        }

        var bits = user == directory.Owner ? (directory.Permission >> 6) & 7 : directory.Permission & 7;
        if ((bits & WriteAndSearch) != WriteAndSearch)
        {
            throw new TestNameNodeException(HadoopExceptionNames.AccessControl, string.Create(CultureInfo.InvariantCulture,
                $"Permission denied: user={user}, access=WRITE, inode=\"{directory.Path}\":{directory.Owner}:{Group}:d{Mode(directory.Permission)}"));
        }
    }

    /// <summary>Write access to the parent of <paramref name="path"/>, when that parent exists.</summary>
    private void RequireWriteAccessToParent(string path, string user)
    {
        if (_state.Inodes.TryGetValue(Parent(path), out var parent) && parent.IsDirectory)
        {
            RequireWriteAccess(parent, user);
        }
    }

    /// <summary>The nine <c>rwx</c> characters of a mode, as <c>ls -l</c> and Hadoop's messages show them.</summary>
    private static string Mode(uint permission)
    {
        Span<char> mode = stackalloc char[9];
        for (var i = 0; i < 9; i++)
        {
            var set = (permission & (1u << (8 - i))) != 0;
            mode[i] = set ? "rwx"[i % 3] : '-';
        }

        return new string(mode);
    }
}
