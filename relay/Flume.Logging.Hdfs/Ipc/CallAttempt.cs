namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// One sending of a call. A resent call keeps its call id and counts up <paramref name="RetryCount"/>, so a NameNode's
/// retry cache (keyed by client id and call id) answers a create, rename or delete it already did with the first
/// answer instead of doing it again.
/// </summary>
/// <param name="CallId">The call's id, unique among this client's calls.</param>
/// <param name="RetryCount">0 the first time, then 1, 2, ... for each resend.</param>
internal readonly record struct CallAttempt(int CallId, int RetryCount);
