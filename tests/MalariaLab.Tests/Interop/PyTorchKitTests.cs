using System.Diagnostics;
using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Prediction;
using MalariaLab.Tests.Support;
using Xunit.Abstractions;

namespace MalariaLab.Tests.Interop;

/// <summary>interop/pytorch/predict.py (PyTorch, numpy, Pillow) against Predict on a published run: same CSV rows,
/// same labels, probabilities within 1e-5. Needs a python3 that imports torch, numpy and PIL (Debian:
/// apt-get install python3-torch python3-pil); without one the test is skipped with that reason.</summary>
public class PyTorchKitTests(TinyRun tiny, ITestOutputHelper output) : IClassFixture<TinyRun>
{
    const string Modules = "torch, numpy, PIL", Packages = "python3-torch python3-pil";

    static (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, "", e.Message); }
    }

    [PythonFact(Modules, Packages)]
    public void Predict_py_prints_predicts_csv_from_the_safetensors_file()
    {
        string python = PythonFactAttribute.PythonWith(Modules)!;
        string data = tiny.Experiment.File("data");
        File.WriteAllText(Path.Combine(data, "broken.png"), "not an image");
        try
        {
            string script = Path.Combine(TestPaths.RepoRoot, "interop", "pytorch", "predict.py");
            var (exit, stdout, stderr) = Run(python, [script, "--weights", tiny.Run.File("weights/best.safetensors"), data]);
            Assert.True(exit == 4, $"exit {exit}: {stderr}");
            var expected = Predictor.Predict(tiny.Run, data, new CapturingLog());
            var lines = stdout.TrimEnd('\n').Split('\n');
            Assert.Equal("path,probability_parasitized,label,error", lines[0]);
            Assert.Equal(expected.Count, lines.Length - 1);
            double worst = 0;
            foreach (var (row, want) in lines.Skip(1).Select(l => l.Split(',')).Zip(expected))
            {
                Assert.Equal(want.Path, row[0]);
                if (want.Error is not null) { Assert.Equal(("", ""), (row[1], row[2])); continue; }
                Assert.Equal(want.Label, row[2]);
                worst = Math.Max(worst, Math.Abs(double.Parse(row[1], CultureInfo.InvariantCulture) - want.ProbabilityParasitized!.Value));
            }
            output.WriteLine($"PyTorch kit vs Predict: max |Δp| {worst:E2} over {expected.Count - 1} images");
            Assert.True(worst <= 1e-5, $"max |Δp| {worst}");
        }
        finally
        {
            File.Delete(Path.Combine(data, "broken.png"));
        }
    }

    /// <summary>docs/interop.md's kit command, exactly as written, run by bash in a folder laid out as a checkout: the
    /// run behind the latest link of artifacts/runs/seed-cnn, the kit, and cells/.</summary>
    [PythonFact(Modules, Packages)]
    public void The_documented_kit_command_runs_as_written()
    {
        string doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "interop.md"));
        string command = doc.Split('\n').Single(l => l.Contains("interop/pytorch/predict.py --weights") && !l.TrimStart().StartsWith('#') && !l.Contains('`'));
        using var checkout = new TempFolder();
        Directory.CreateDirectory(checkout.File("artifacts/runs/seed-cnn"));
        Directory.CreateSymbolicLink(checkout.File("artifacts/runs/seed-cnn/latest"), tiny.Run.Path);
        Directory.CreateDirectory(checkout.File("interop"));
        Directory.CreateSymbolicLink(checkout.File("interop/pytorch"), Path.Combine(TestPaths.RepoRoot, "interop", "pytorch"));
        Directory.CreateSymbolicLink(checkout.File("cells"), tiny.Experiment.File("data"));
        var start = new ProcessStartInfo("bash") { WorkingDirectory = checkout.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"`{command}` exited {process.ExitCode}: {stderr.Result}");
        var expected = Predictor.Predict(tiny.Run, tiny.Experiment.File("data"), new CapturingLog());
        var rows = File.ReadAllLines(checkout.File("predictions.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var (row, want) in rows.Zip(expected))
        {
            Assert.Equal(want.Label, row[2]);
            Assert.InRange(Math.Abs(double.Parse(row[1], CultureInfo.InvariantCulture) - want.ProbabilityParasitized!.Value), 0, 1e-5);
        }
    }
}
