using Flume.Logging.Fuzz;
using SharpFuzz;

// fuzz.sh runs `run <target>` under afl-fuzz; the other commands are for people and the replay tests.
const string Usage = """
    usage: Flume.Logging.Fuzz list
           Flume.Logging.Fuzz run <target>              (under afl-fuzz: one input per iteration from AFL++)
           Flume.Logging.Fuzz seeds <target> <dir>      (writes the starting inputs)
           Flume.Logging.Fuzz replay <target> <file|dir>...
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine(target.Name);
        }

        return 0;
    case "run" when args.Length == 2:
    {
        var target = FuzzTargets.Get(args[1]);
        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target.Run(copy.ToArray());
        });
        return 0;
    }

    case "seeds" when args.Length == 3:
    {
        var target = FuzzTargets.Get(args[1]);
        Directory.CreateDirectory(args[2]);
        var i = 0;
        foreach (var seed in target.Seeds())
        {
            File.WriteAllBytes(Path.Combine(args[2], $"seed-{i++:D2}"), seed);
        }

        Console.WriteLine($"{i} seeds for {target.Name} in {args[2]}");
        return 0;
    }

    case "replay" when args.Length >= 3:
    {
        var target = FuzzTargets.Get(args[1]);
        var files = args.Skip(2).SelectMany(path => Directory.Exists(path) ? Directory.GetFiles(path) : [path]).Order(StringComparer.Ordinal).ToList();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Every escaping exception is a finding to report, whatever its type.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
                Console.WriteLine(e.StackTrace);
            }
        }

        Console.WriteLine($"{target.Name}: {files.Count} inputs, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
