using System.Text;
using Google.Protobuf;
using MalariaLab.Modelling.Training;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Modelling.Training;

/// <summary>The event files read back with Google.Protobuf's own wire-format reader (not ours): TFRecord framing with
/// CRC-32C, Unix wall times in fractional seconds, steps from 0, scalars, histograms with odd values, and the HParams
/// plugin's session start as TensorBoard reads it.</summary>
public class TensorBoardWriterTests
{
    [Fact]
    public void Crc32c_is_the_castagnoli_check_value() =>
        Assert.Equal(0xE3069283u, TensorBoardWriter.Crc32C(Encoding.ASCII.GetBytes("123456789"))); // the standard check value of CRC-32C

    [Fact]
    public void Events_are_framed_stamped_and_encoded_as_tensorboard_reads_them()
    {
        using var temp = new TempFolder();
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string file;
        using (var writer = new TensorBoardWriter(temp.Path))
        {
            file = writer.FilePath;
            writer.Scalar("epoch_loss", 0.25, 0);
            writer.Scalar("epoch_loss", 0.125, 1);
            Assert.Equal(1, writer.Histogram("fc.bias", [3f, 3f, float.NaN], 1));
            Assert.Equal(0, writer.Histogram("fc.weight", [0f, 1f, 2f, 3f], 2));
            writer.SessionStart([("train.lr", 0.001), ("augment.flips", "dihedral8"), ("train.shuffle", true), ("seed", 42L)], "x/run-1");
        }
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 0.001;
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file));

        var events = Records(File.ReadAllBytes(file)).Select(Fields).ToList();
        Assert.Equal(6, events.Count);
        foreach (var e in events)
            Assert.InRange(BitConverter.Int64BitsToDouble((long)(ulong)One(e, 1)), before, after); // Unix seconds, never .NET ticks
        Assert.Equal("brain.Event:2", Encoding.UTF8.GetString((byte[])One(events[0], 3)));

        // Steps from 0: the first scalar has none (proto3's default), the second step 1.
        Assert.DoesNotContain(events[1], f => f.Field == 2);
        Assert.Equal(1UL, One(events[2], 2));
        var value = Fields((byte[])One(Fields((byte[])One(events[2], 5)), 1));
        Assert.Equal("epoch_loss", Encoding.UTF8.GetString((byte[])One(value, 1)));
        Assert.Equal(0.125f, BitConverter.UInt32BitsToSingle((uint)One(value, 2)));

        // A constant tensor is one bucket; the NaN is left out (counted above).
        var constant = Histogram(events[3]);
        Assert.Equal((3.0, 3.0, 2.0), (constant.Min, constant.Max, constant.Num));
        Assert.Equal([3.0], constant.Limits);
        Assert.Equal([2.0], constant.Counts);
        var spread = Histogram(events[4]);
        Assert.Equal(30, spread.Limits.Length);
        Assert.Equal(3.0, spread.Limits[^1]);
        Assert.Equal(4.0, spread.Counts.Sum());
        Assert.Equal((6.0, 14.0), (spread.Sum, spread.SumSquares));

        // HParams: the tag, the plugin name and the session start's hyperparameters, typed.
        var hparams = Fields((byte[])One(Fields((byte[])One(events[5], 5)), 1));
        Assert.Equal("_hparams_/session_start_info", Encoding.UTF8.GetString((byte[])One(hparams, 1)));
        var plugin = Fields((byte[])One(Fields((byte[])One(hparams, 9)), 1));
        Assert.Equal("hparams", Encoding.UTF8.GetString((byte[])One(plugin, 1)));
        var start = Fields((byte[])One(Fields((byte[])One(plugin, 2)), 3));
        var entries = start.Where(f => f.Field == 1).Select(f => Fields((byte[])f.Value))
            .ToDictionary(e => Encoding.UTF8.GetString((byte[])One(e, 1)), e => Fields((byte[])One(e, 2)).Single());
        Assert.Equal((2, (object)BitConverter.DoubleToUInt64Bits(0.001)), (entries["train.lr"].Field, entries["train.lr"].Value));
        Assert.Equal(3, entries["augment.flips"].Field);
        Assert.Equal((4, (object)1UL), (entries["train.shuffle"].Field, entries["train.shuffle"].Value));
        Assert.Equal(BitConverter.DoubleToUInt64Bits(42), entries["seed"].Value);
        Assert.Equal("x/run-1", Encoding.UTF8.GetString((byte[])One(start, 4)));
    }

    static (double Min, double Max, double Num, double Sum, double SumSquares, double[] Limits, double[] Counts) Histogram(List<(int Field, object Value)> e)
    {
        var h = Fields((byte[])One(Fields((byte[])One(Fields((byte[])One(e, 5)), 1)), 5));
        double D(int field) => BitConverter.UInt64BitsToDouble((ulong)One(h, field));
        double[] Packed(int field) => [.. ((byte[])One(h, field)).Chunk(8).Select(c => BitConverter.ToDouble(c))];
        return (D(1), D(2), D(3), D(4), D(5), Packed(6), Packed(7));
    }

    /// <summary>TFRecord: length (uint64), its masked CRC-32C, the data, its masked CRC-32C; every CRC checked.</summary>
    static IEnumerable<byte[]> Records(byte[] file)
    {
        for (int at = 0; at < file.Length;)
        {
            var length = file.AsSpan(at, 8);
            Assert.Equal(TensorBoardWriter.MaskedCrc32C(length), BitConverter.ToUInt32(file, at + 8));
            int n = (int)BitConverter.ToUInt64(length);
            var data = file.AsSpan(at + 12, n).ToArray();
            Assert.Equal(TensorBoardWriter.MaskedCrc32C(data), BitConverter.ToUInt32(file, at + 12 + n));
            yield return data;
            at += 12 + n + 4;
        }
    }

    /// <summary>Every field of a message as Google.Protobuf reads the wire format: varints and fixed64 as ulong, fixed32
    /// as uint, length-delimited as bytes.</summary>
    static List<(int Field, object Value)> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new List<(int, object)>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
            fields.Add((WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => input.ReadUInt64(),
                WireFormat.WireType.Fixed64 => input.ReadFixed64(),
                WireFormat.WireType.Fixed32 => input.ReadFixed32(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes().ToByteArray(),
                var other => throw new InvalidDataException($"unexpected wire type {other}"),
            }));
        return fields;
    }

    static object One(List<(int Field, object Value)> fields, int field) => Assert.Single(fields, f => f.Field == field).Value;
}
