namespace Flume.Logging.Fuzz.Tests;

/// <summary>
/// Replays, without instrumentation, every input the fuzzers kept (Corpus/) and every crash or hang they saved
/// (Regressions/): each must decode to a result or a clear error, without an escaping exception, in bounded time.
/// </summary>
public sealed class CorpusReplayTests
{
    // Far above any input's real time (milliseconds): only a hang reaches it.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Targets()
    {
        var names = new TheoryData<string>();
        foreach (var target in FuzzTargets.All)
        {
            names.Add(target.Name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_kept_input_of_a_harness_decodes_without_escaping_exception_or_hang(string name)
    {
        var target = FuzzTargets.Get(name);
        var inputs = Inputs("Corpus", name);
        Assert.True(inputs.Count > 0, $"Corpus/{name} is empty: run tests/Flume.Logging.Fuzz/fuzz.sh {name}");
        inputs.AddRange(Inputs("Regressions", name));
        foreach (var input in inputs)
        {
            RunBounded(target, input);
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_seeds_of_a_harness_decode_without_escaping_exception(string name)
    {
        var target = FuzzTargets.Get(name);
        foreach (var seed in target.Seeds())
        {
            RunBounded(target, ("seed", seed));
        }
    }

    private static void RunBounded(IFuzzTarget target, (string File, byte[] Bytes) input)
    {
        var run = Task.Run(() => target.Run(input.Bytes));
        try
        {
            Assert.True(run.Wait(HangLimit), $"{target.Name}: {input.File} still runs after {HangLimit.TotalSeconds} s");
        }
        catch (AggregateException e)
        {
            Assert.Fail($"{target.Name}: {input.File} escaped with {e.InnerException}");
        }
    }

    private static List<(string File, byte[] Bytes)> Inputs(string kind, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, kind, name);
        var inputs = new List<(string, byte[])>();
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                inputs.Add(($"{kind}/{name}/{Path.GetFileName(file)}", File.ReadAllBytes(file)));
            }
        }

        return inputs;
    }
}
