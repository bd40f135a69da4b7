namespace Flume.Logging.Testing;

/// <summary>Clean-up of tests' temp folders.</summary>
public static class TempFolder
{
    /// <summary>Deletes <paramref name="path"/> and all in it, leaving it to the system's temp cleaner when a file in it is still held open.</summary>
    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaner.
        }
    }
}
