namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>consumeOrder</c>: which waiting file is read next.</summary>
public enum SpoolConsumeOrder
{
    /// <summary>The least recently modified; ties go to the smallest name.</summary>
    Oldest,

    /// <summary>The most recently modified; ties go to the smallest name.</summary>
    Youngest,

    /// <summary>Any, chosen at random.</summary>
    Random,
}
