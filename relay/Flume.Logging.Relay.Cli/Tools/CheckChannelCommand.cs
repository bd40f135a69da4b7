using System.CommandLine;
using Flume.Logging.FileChannel;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// <c>relay check-channel --dataDirs d1,d2 [--checkpointDir c] [--repair]</c>: Flume's File Channel Integrity
/// Tool. Exit 0 when nothing is damaged (or everything was repaired), 1 otherwise.
/// </summary>
internal static class CheckChannelCommand
{
    public static Command Create()
    {
        var command = new Command("check-channel", "Verify every record of a stopped file channel (Flume's File Channel Integrity Tool); --repair drops damaged records.");
        var dataDirs = new Option<string>("--dataDirs", "-l") { Description = "The channel's dataDirs, comma-separated.", Required = true };
        var checkpointDir = new Option<string?>("--checkpointDir") { Description = "The channel's checkpointDir, whose checkpoint is checked too." };
        var repair = new Option<bool>("--repair") { Description = "Overwrite damaged records with filler (other records keep their place) and cut off torn tails." };
        command.Options.Add(dataDirs);
        command.Options.Add(checkpointDir);
        command.Options.Add(repair);
        command.SetAction(result =>
        {
            var options = new FileChannelOptions();
            foreach (var directory in result.GetValue(dataDirs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.DataDirs.Add(directory);
            }

            if (result.GetValue(checkpointDir) is { Length: > 0 } checkpoint)
            {
                options.CheckpointDir = checkpoint;
            }

            try
            {
                var report = FileChannelIntegrity.Run(options, result.GetValue(repair));
                Console.Out.WriteLine(report.ToString());
                return report.Problems.All(p => p.Repaired) ? 0 : 1;
            }
            catch (FileChannelException e)
            {
                Console.Error.WriteLine($"check-channel: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
