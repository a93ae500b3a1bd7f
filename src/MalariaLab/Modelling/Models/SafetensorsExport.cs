using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MalariaLab.Foundation.Common;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>Writes a model's state dict as safetensors (8-byte little-endian header length, JSON header of
/// name → dtype, shape, data_offsets, then the raw little-endian tensors), loadable with
/// <c>safetensors.torch.load_file</c>. Names are the PyTorch ones (conv1.weight, bn1.running_mean, ...).</summary>
public static class SafetensorsExport
{
    public static void Save(nn.Module model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = model.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is not null) header["__metadata__"] = metadata;
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            var (dtype, bytes) = Bytes(tensor);
            header[name] = new { dtype, shape = tensor.shape, data_offsets = new[] { offset, offset + bytes.Length } };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // The header is padded with spaces to a multiple of 8 so the tensor data stays aligned.
        int padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    static (string DType, byte[] Bytes) Bytes(Tensor tensor)
    {
        using var t = tensor.detach().contiguous();
        return t.dtype switch
        {
            ScalarType.Float32 => ("F32", t.bytes.ToArray()),
            ScalarType.Int64 => ("I64", t.bytes.ToArray()),
            _ => throw new MalariaLabException($"safetensors export: unsupported dtype {t.dtype}"),
        };
    }
}
