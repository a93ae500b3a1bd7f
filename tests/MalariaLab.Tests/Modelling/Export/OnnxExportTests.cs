using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;
using MalariaLab.Foundation.Common;
using MalariaLab.Modelling.Export;
using MalariaLab.Modelling.Models;
using MalariaLab.Workflows.Prediction;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Extending;
using MalariaLab.Tests.Support;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Modelling.Export;

/// <summary>ONNX files checked by an independent engine, ONNX Runtime: same probabilities as TorchSharp.</summary>
public class OnnxExportTests(TinyRun tiny) : IClassFixture<TinyRun>
{
    const double Tolerance = 1e-5;

    /// <summary>The first <paramref name="count"/> sample PNGs, decoded and resized as the pipeline does.</summary>
    static byte[] SampleImages(int count, int size)
    {
        using var zip = ZipFile.OpenRead(TestPaths.SampleZip);
        var spec = new PreprocessSpec(size, "nearest", 1 / 255.0);
        return zip.Entries.Where(e => e.FullName.EndsWith(".png", StringComparison.Ordinal)).OrderBy(e => e.FullName, StringComparer.Ordinal).Take(count)
            .SelectMany(e =>
            {
                using var stream = e.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                return MalariaLab.Data.Prepare.Preprocessor.Prepare(buffer.ToArray(), e.FullName, spec);
            }).ToArray();
    }

    static float[] TorchProbabilities(nn.Module<Tensor, Tensor> model, byte[] pixels, int count, int size, double scale)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = TrainingData.ToModelInput(tensor(pixels, [count, size, size, 3], ScalarType.Byte), scale);
        return sigmoid(model.forward(x).squeeze(1)).data<float>().ToArray();
    }

    /// <summary>Every registered architecture (and the toy one Extending registers), with BatchNorm statistics and
    /// scales moved away from their identity init so every layer matters, on 300 real sample images.</summary>
    [Fact]
    public void Every_registered_architecture_exports_to_onnx_that_onnx_runtime_runs_to_torchs_probabilities()
    {
        const int size = 48, count = 300;
        var spec = SpecLoader.LoadFile(Path.Combine(TestPaths.RepoRoot, "experiments", "seed-cnn.yaml"));
        byte[] pixels = SampleImages(count, size);
        var entries = ModelRegistry.All.Concat(ModelRegistry.All.Any(e => e.Name == ToyModel.Entry.Name) ? [] : [ToyModel.Entry]).ToList();
        Assert.Contains(entries, e => e.Name == "seed-cnn");
        var worst = new List<string>();
        foreach (var entry in entries)
        {
            manual_seed(7);
            using var model = entry.Create(spec.Model with { Arch = entry.Name }, size);
            using (no_grad())
                foreach (var (name, buffer) in model.named_buffers())
                    if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.copy_(randn(buffer.shape).mul(0.1));
                    else if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.copy_(rand(buffer.shape).add(0.5));
            using (no_grad())
                foreach (var (_, module) in model.named_modules())
                    if (module is MalariaLab.Modelling.Models.HeldBatchNorm2d bn)
                    {
                        bn.weight!.copy_(rand(bn.weight.shape).add(0.5));
                        bn.bias!.copy_(randn(bn.bias.shape).mul(0.2));
                    }

            model.eval();
            // Deep nets with global pooling start with near-constant logits: widen the logit layer until outputs spread.
            for (int widen = 0; widen < 3 && TorchProbabilities(model, pixels, count, size, spec.Preprocess.Scale) is var p && p.Max() - p.Min() <= 1e-3; widen++)
                using (no_grad())
                    foreach (var (_, module) in model.named_modules())
                        if (module is TorchSharp.Modules.Linear { weight: { } w } && w.shape[0] == 1) w.mul_(20);
            var metadata = new OnnxMetadata(new ModelProvenance(spec.Hash, "test", "test", "test"), entry.Name, size, "nearest", spec.Preprocess.Scale, "test");
            byte[] onnx = OnnxModelFile.Build(metadata, model.ToOnnx).ToByteArray();
            using var runner = OnnxRunner.FromBytes(onnx, "cpu", 1);
            var expected = TorchProbabilities(model, pixels, count, size, spec.Preprocess.Scale);
            var actual = runner.Probabilities(pixels, count);
            Assert.Equal(count, actual.Length);
            double diff = expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
            // Untrained networks still spread their outputs: a constant output would prove nothing.
            Assert.True(expected.Max() - expected.Min() > 1e-3, $"{entry.Name}: probabilities span only {expected.Min()}..{expected.Max()}");
            worst.Add($"{entry.Name}: max |Δp| {diff:E2}");
            Assert.True(diff <= Tolerance, string.Join("; ", worst));
        }
        Console.WriteLine("ONNX Runtime vs TorchSharp: " + string.Join("; ", worst));
    }

    [Fact]
    public void A_published_run_holds_sealed_onnx_files_with_the_metadata_a_user_needs()
    {
        var manifest = RunManifest.Read(tiny.Run.Path);
        foreach (var which in new[] { "best", "last" })
        {
            string path = tiny.Run.File($"weights/{which}.onnx");
            Assert.Equal(Hashing.Sha256OfFile(path), manifest.Files[$"weights/{which}.onnx"]);
            // Read back with the protobuf types, not with the writer.
            var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            Assert.Equal(17, model.OpsetImport.Single().Version);
            var input = model.Graph.Input.Single();
            Assert.Equal("image", input.Name);
            Assert.Equal((int)Onnx.TensorProto.Types.DataType.Uint8, input.Type.TensorType.ElemType);
            Assert.Equal(["N", "16", "16", "3"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam != "" ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)));
            Assert.Equal(["logit", "probability_parasitized"], model.Graph.Output.Select(o => o.Name));
            var meta = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
            // Identities equal across reproductions, never the run id (identical training gives identical files).
            Assert.DoesNotContain("run_id", meta.Keys);
            Assert.DoesNotContain(meta.Values, v => v.Contains(tiny.Run.Id, StringComparison.Ordinal));
            Assert.Equal(manifest.DatasetFingerprint, meta["dataset_fingerprint"]);
            Assert.Equal(manifest.SplitHash, meta["split_hash"]);
            Assert.Equal(manifest.Environment.Code, meta["code"]);
            Assert.Equal(SpecLoader.LoadFile(tiny.Run.File("spec.yaml")).Hash, meta["spec_hash"]);
            Assert.Equal("16", meta["size"]);
            Assert.Equal("nearest", meta["interpolation"]);
            Assert.DoesNotContain("threshold", meta.Keys); // evaluate.threshold is not training's: the report says which was used
            Assert.Equal("Uninfected,Parasitized", meta["class_names"]);
            Assert.Equal($"weights/{which}.bin", meta["weights"]);
        }
    }

    [Fact]
    public void Predict_with_the_onnx_engine_gives_the_torch_engines_csv()
    {
        string data = tiny.Experiment.File("data");
        var torch = Predictor.Predict(tiny.Run, data, new CapturingLog());
        var onnx = Predictor.Predict(tiny.Run, data, new CapturingLog(), engine: "onnx");
        Assert.Equal(48, torch.Count); // TinyExperiment: 4 patients, 24 Parasitized + 24 Uninfected
        Assert.Equal(torch.Select(r => (r.Path, r.Label)), onnx.Select(r => (r.Path, r.Label)));
        double diff = torch.Zip(onnx, (a, b) => Math.Abs(a.ProbabilityParasitized!.Value - b.ProbabilityParasitized!.Value)).Max();
        Assert.True(diff <= Tolerance, $"max |Δp| {diff}");
        Assert.True(torch.Select(r => r.ProbabilityParasitized!.Value).Distinct().Count() > 1);
    }

    /// <summary>What lets Predict run a one-thread session on each core, each with chunks of its own, and still write
    /// the CSV a two-thread session writes: a session's results depend neither on its thread count, nor on the batch an
    /// image is in, nor on another thread calling it at the same time.</summary>
    [Fact]
    public void A_one_thread_session_called_from_two_threads_gives_a_two_thread_sessions_bits_in_any_batch()
    {
        const int count = 300, size = 16;
        byte[] pixels = SampleImages(count, size);
        string path = tiny.Run.File("weights/best.onnx");
        using var two = new OnnxRunner(path, "cpu", 2);
        using var one = new OnnxRunner(path, "cpu", 1);
        var expected = two.Probabilities(pixels, count);
        Assert.True(expected.Distinct().Count() > 10);

        int image = size * size * 3;
        float[] Part(int from, int n) => one.Probabilities(pixels.AsSpan(from * image, n * image).ToArray(), n);
        var halves = new float[2][];
        for (int round = 0; round < 5; round++)
        {
            // Two threads of their own, released together, so the session is called from both at once.
            using var start = new Barrier(2);
            var threads = new[] { (From: 0, Count: 137), (From: 137, Count: count - 137) }.Select((h, i) => new Thread(() =>
            {
                start.SignalAndWait();
                halves[i] = Part(h.From, h.Count);
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), halves[0].Concat(halves[1]).Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(expected.Skip(299).Select(BitConverter.SingleToInt32Bits), Part(299, 1).Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Predict_refuses_a_run_whose_onnx_file_was_altered()
    {
        using var copy = new TempFolder();
        foreach (var file in Directory.GetFiles(tiny.Run.Path, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy.Path, Path.GetRelativePath(tiny.Run.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var bytes = File.ReadAllBytes(copy.File("weights/best.onnx"));
        bytes[^1] ^= 1;
        File.WriteAllBytes(copy.File("weights/best.onnx"), bytes);
        foreach (var engine in Predictor.Engines)
        {
            var e = Assert.Throws<MalariaLabException>(() => Predictor.Predict(RunFolder.Open(copy.Path), tiny.Experiment.File("data"), new CapturingLog(), engine));
            Assert.Contains("weights/best.onnx has SHA-256", e.Message);
        }
    }

    [Fact]
    public void A_missing_execution_provider_is_one_line_naming_it()
    {
        var e = Assert.Throws<MalariaLabException>(() => new OnnxRunner(tiny.Run.File("weights/best.onnx"), "cuda"));
        Assert.Equal("--onnx-provider=cuda: ONNX Runtime's CUDAExecutionProvider is not in this build (available: CPUExecutionProvider); " +
                     "reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime (README: ONNX)", e.Message);
        var unknown = Assert.Throws<MalariaLabException>(() => new OnnxRunner(tiny.Run.File("weights/best.onnx"), "tpu"));
        Assert.StartsWith("--onnx-provider=tpu: unknown execution provider", unknown.Message);
    }
}
