using Google.Protobuf;
using MalariaLab.Foundation.Common;
using Onnx;

namespace MalariaLab.Modelling.Export;

/// <summary>What a deployed model needs besides its weights, stored in the ONNX file's metadata_props.</summary>
/// <summary>What an exported model file says about itself: the identities that are equal across reproductions (spec hash,
/// dataset fingerprint, split hash, code), never a run id, time or path, so identical training gives identical files.</summary>
public sealed record OnnxMetadata(ModelProvenance Provenance, string Arch, int Size, string Interpolation, double Scale, string Weights);

/// <summary>Writes a network as a self-contained ONNX model (opset 17): input <c>image</c> uint8 [N, size, size, 3]
/// (RGB, decoded and resized as the pipeline does), the scaling and the NHWC → NCHW change inside the graph, then
/// the network (its registry entry's export function), outputs <c>logit</c> and <c>probability_parasitized</c> [N].</summary>
public static class OnnxModelFile
{
    public const int Opset = 17;
    // IR version 8 is the one that goes with opset 17 (ONNX 1.12).
    const long IrVersion = 8;
    public const string Input = "image", Logit = "logit", Probability = "probability_parasitized";
    public static readonly string[] ClassNames = ["Uninfected", "Parasitized"];

    /// <summary><paramref name="network"/> adds the layers from a float NCHW input and returns the name of its
    /// [N, 1] logit.</summary>
    public static void Write(string path, OnnxMetadata metadata, Func<OnnxGraph, string, string> network) =>
        AtomicFile.Write(path, stream => Build(metadata, network).WriteTo(stream));

    public static ModelProto Build(OnnxMetadata metadata, Func<OnnxGraph, string, string> network)
    {
        var g = new OnnxGraph();
        int size = metadata.Size;
        string image = g.Input(Input, TensorProto.Types.DataType.Uint8, "N", size, size, 3);
        string floats = g.Node("Cast", "image_float", [image], ("to", (long)TensorProto.Types.DataType.Float));
        // The pipeline multiplies float32 pixels by the scale as a float32 (TrainingData.ToModelInput): same here.
        string scaled = g.Node("Mul", "image_scaled", [floats, g.Initializer("scale", [(float)metadata.Scale])]);
        string nchw = g.Node("Transpose", "image_nchw", [scaled], ("perm", new long[] { 0, 3, 1, 2 }));
        string logits = network(g, nchw);
        g.Node("Squeeze", Logit, [logits, g.Int64Initializer("logit_axes", 1)]);
        g.Node("Sigmoid", Probability, [Logit]);
        g.Output(Logit, TensorProto.Types.DataType.Float, "N");
        g.Output(Probability, TensorProto.Types.DataType.Float, "N");

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MalariaLab",
            ProducerVersion = typeof(OnnxModelFile).Assembly.GetName().Version?.ToString() ?? "",
            Graph = g.Proto,
            DocString = $"{metadata.Arch}: Parasitized vs Uninfected red-blood-cell crops. Input uint8 RGB [N, {size}, {size}, 3], " +
                        $"resized from the original with Pillow's {metadata.Interpolation.ToUpperInvariant()}; the output is P(Parasitized) (the run's report names the decision threshold it used).",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in Metadata(metadata)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    static IEnumerable<(string, string)> Metadata(OnnxMetadata m)
    {
        string Number(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var pair in m.Provenance.Pairs()) yield return pair;
        yield return ("arch", m.Arch);
        yield return ("weights", m.Weights);
        yield return ("size", m.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("interpolation", m.Interpolation);
        yield return ("resize", $"Pillow Image.resize(({m.Size}, {m.Size}), {m.Interpolation.ToUpperInvariant()}) after convert('RGB')");
        yield return ("scale", Number(m.Scale));
        yield return ("class_names", string.Join(",", ClassNames));
        yield return ("positive_class", ClassNames[1]);
        yield return ("input", $"{Input}: uint8 [N, {m.Size}, {m.Size}, 3], RGB, HWC");
        yield return ("outputs", $"{Logit}: float [N]; {Probability}: float [N] = sigmoid(logit)");
    }
}
