namespace log4net.Appender.Flume.Tests;

/// <summary>
/// Tests that measure how long log calls take. xunit runs a collection without parallelization on its own, after
/// the others, so this project's other app and relay processes do not compete with them for the 2 cores.
/// </summary>
[CollectionDefinition(nameof(TimedCollection), DisableParallelization = true)]
public sealed class TimedCollection;
