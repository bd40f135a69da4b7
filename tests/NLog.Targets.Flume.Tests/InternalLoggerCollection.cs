namespace NLog.Targets.Flume.Tests;

/// <summary>Tests that change NLog's process-wide InternalLogger run one at a time.</summary>
[CollectionDefinition(nameof(InternalLoggerCollection), DisableParallelization = true)]
public sealed class InternalLoggerCollection;
