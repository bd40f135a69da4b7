namespace Flume.Logging.Testing.Hdfs;

/// <summary>An error the test NameNode answers a call with, under the Java class name a real NameNode would use.</summary>
internal sealed class TestNameNodeException(string className, string message) : Exception(message)
{
    public string ClassName { get; } = className;
}
