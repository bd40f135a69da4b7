namespace Flume.Logging.Hdfs;

/// <summary>Settings of the HDFS client: who it acts as, and how long it waits and how often it retries.</summary>
public sealed class HdfsClientOptions
{
    /// <summary>
    /// The user the client authenticates as (SIMPLE authentication: the name is trusted). Default: the
    /// <c>HADOOP_USER_NAME</c> environment variable, else the operating system user, as Hadoop's own client does.
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// A user to act for (Hadoop's <c>doAs</c>): calls run as this user, with <see cref="User"/> as the real user the
    /// NameNode must allow to impersonate (<c>hadoop.proxyuser.*</c>). Default: null, no impersonation.
    /// </summary>
    public string? ProxyUser { get; init; }

    /// <summary>Longest wait for a TCP connection to a NameNode. Default: 20 s (Hadoop's <c>ipc.client.connect.timeout</c>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait for the answer to one call. Default: 60 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Calls tried on the NameNodes of an HA pair before a standby answer, connection failure or RetriableException is
    /// given up on. Default: 15 (Hadoop's <c>dfs.client.failover.max.attempts</c>).
    /// </summary>
    public int MaxFailoverAttempts { get; init; } = 15;

    /// <summary>
    /// Pause after every NameNode was tried once without success (or after each RetriableException), doubled each
    /// further time up to 15 s. Default: 500 ms (Hadoop's <c>dfs.client.failover.sleep.base.millis</c>).
    /// </summary>
    public TimeSpan FailoverDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Times <c>complete</c> is asked again while the NameNode has not yet seen the last block on enough DataNodes.
    /// Default: 5 (Hadoop's <c>dfs.client.block.write.locateFollowingBlock.retries</c>).
    /// </summary>
    public int CompleteRetries { get; init; } = 5;

    /// <summary>First pause before asking <c>complete</c> again, doubled each retry. Default: 400 ms, as Hadoop's client.</summary>
    public TimeSpan CompleteInitialDelay { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Once cancelled, a NameNode call that failed (connection refused or lost, a standby, RetriableException) is not
    /// tried again: it fails with that failure at once. An attempt in flight is not interrupted. For an owner that is
    /// stopping, which would otherwise wait out the retries against a NameNode that is gone. Default: none.
    /// </summary>
    public CancellationToken StopRetrying { get; init; }

    /// <summary>The user the NameNode runs calls as: the proxy user when set, else the login user.</summary>
    internal string EffectiveUser => ProxyUser ?? LoginUser;

    /// <summary>The authenticated user, sent as the real user when impersonating.</summary>
    internal string LoginUser => User ?? NonEmpty(Environment.GetEnvironmentVariable("HADOOP_USER_NAME")) ?? Environment.UserName;

    /// <summary>Throws when a setting is out of range, so a bad configuration fails at startup, not at the first call.</summary>
    internal void Validate()
    {
        if (User is { Length: 0 } || ProxyUser is { Length: 0 })
        {
            throw new ArgumentException("User and ProxyUser must be null (the default) or a user name.");
        }

        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(CallTimeout, nameof(CallTimeout));
        RequirePositive(FailoverDelay, nameof(FailoverDelay));
        RequirePositive(CompleteInitialDelay, nameof(CompleteInitialDelay));
        if (MaxFailoverAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFailoverAttempts), MaxFailoverAttempts, "At least one attempt is needed.");
        }

        if (CompleteRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CompleteRetries), CompleteRetries, "Retries cannot be negative.");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
