using System.Text;

namespace MalariaLab.Modelling.Training;

/// <summary>TensorBoard event files as Keras' TensorBoard callback writes them: TFRecord framing (length and data each
/// followed by a masked CRC-32C), every event stamped with Unix wall time in fractional seconds, steps counted from 0,
/// scalars, histograms, and the HParams plugin's session start and end (so TensorBoard's HParams tab compares runs).
/// Protocol-buffer messages are encoded by hand: Event, Summary, HistogramProto and HParamsPluginData need only
/// varints, doubles, floats and nested messages.</summary>
public sealed class TensorBoardWriter : IDisposable
{
    readonly FileStream _stream;
    static int _opened; // a per-process counter in the name, as TensorFlow's, so two writers never share a file

    public string FilePath { get; }

    public TensorBoardWriter(string folder)
    {
        Directory.CreateDirectory(folder);
        double now = UnixNow();
        FilePath = Path.Combine(folder, $"events.out.tfevents.{(long)now}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref _opened)}.v2");
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(now, 0, e => e.String(3, "brain.Event:2")); // Event.file_version
        Flush();
    }

    public void Scalar(string tag, double value, long step) =>
        Summary(step, v => { v.String(1, tag); v.Float(2, (float)value); });

    /// <summary>A histogram of <paramref name="values"/> in 30 equal-width buckets from their minimum to their maximum
    /// (one bucket when every value is the same); non-finite values are left out and counted in the return value.</summary>
    public int Histogram(string tag, ReadOnlySpan<float> values, long step)
    {
        var finite = new List<double>(values.Length);
        foreach (float x in values) if (float.IsFinite(x)) finite.Add(x);
        if (finite.Count == 0) return values.Length;
        double min = finite.Min(), max = finite.Max();
        int buckets = min == max ? 1 : 30;
        double width = (max - min) / buckets;
        var limits = Enumerable.Range(1, buckets).Select(i => i == buckets ? max : min + i * width).ToArray();
        var counts = new double[buckets];
        foreach (double x in finite) counts[Math.Min(buckets - 1, width == 0 ? 0 : (int)((x - min) / width))]++;
        Summary(step, v =>
        {
            v.String(1, tag);
            v.Message(5, h => // HistogramProto
            {
                h.Double(1, min); h.Double(2, max); h.Double(3, finite.Count);
                h.Double(4, finite.Sum()); h.Double(5, finite.Sum(x => x * x));
                h.PackedDoubles(6, limits); h.PackedDoubles(7, counts);
            });
        });
        return values.Length - finite.Count;
    }

    /// <summary>The HParams plugin's session start: every hyperparameter (numbers, strings, booleans) of this run.</summary>
    public void SessionStart(IEnumerable<(string Name, object? Value)> hparams, string group)
    {
        double now = UnixNow();
        HParams("_hparams_/session_start_info", data => data.Message(3, start => // HParamsPluginData.session_start_info
        {
            foreach (var (name, value) in hparams)
                start.Message(1, entry => // map<string, google.protobuf.Value> hparams
                {
                    entry.String(1, name);
                    entry.Message(2, v =>
                    {
                        switch (value)
                        {
                            case bool b: v.Varint(4, b ? 1UL : 0UL); break;
                            case long or int or double: v.Double(2, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                            default: v.String(3, value?.ToString() ?? "null"); break;
                        }
                    });
                });
            start.String(4, group);
            start.Double(5, now);
        }));
        Flush();
    }

    /// <summary>The HParams plugin's session end: STATUS_SUCCESS (1) or STATUS_FAILURE (2).</summary>
    public void SessionEnd(bool succeeded) =>
        HParams("_hparams_/session_end_info", data => data.Message(4, end => { end.Varint(1, succeeded ? 1UL : 2UL); end.Double(2, UnixNow()); }));

    void HParams(string tag, Action<Proto> pluginData) => Summary(0, v =>
    {
        v.String(1, tag);
        v.Message(9, metadata => metadata.Message(1, plugin => { plugin.String(1, "hparams"); plugin.Bytes(2, Proto.Build(pluginData)); }));
        v.Bytes(8, [0x08, 0x01, 0x12, 0x02, 0x12, 0x00]); // TensorBoard's NULL_TENSOR: an empty float vector
    });

    void Summary(long step, Action<Proto> value) => Write(UnixNow(), step, e => e.Message(5, s => s.Message(1, value)));

    void Write(double wallTime, long step, Action<Proto> rest)
    {
        byte[] data = Proto.Build(e => { e.Double(1, wallTime); if (step != 0) e.Varint(2, (ulong)step); rest(e); });
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (ulong)data.Length);
        _stream.Write(length);
        WriteUInt32(MaskedCrc32C(length));
        _stream.Write(data);
        WriteUInt32(MaskedCrc32C(data));
    }

    /// <summary>Hands what is written to the OS. The trainer calls it once an epoch, not per step (a per-step learning
    /// rate would otherwise cost a system call on the training step's path); TensorBoard reads the growing file.</summary>
    public void Flush() => _stream.Flush();

    void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, value);
        _stream.Write(bytes);
    }

    static double UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    static readonly uint[] Crc32CTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>CRC-32C (Castagnoli), as TFRecord uses.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in bytes) crc = Crc32CTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TFRecord's masked CRC: rotated right by 15 bits plus a constant.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> bytes)
    {
        uint crc = Crc32C(bytes);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>A protocol-buffer message being encoded (fields in the order written).</summary>
    sealed class Proto
    {
        readonly MemoryStream _bytes = new();

        public static byte[] Build(Action<Proto> fields)
        {
            var proto = new Proto();
            fields(proto);
            return proto._bytes.ToArray();
        }

        void Key(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

        void Raw(ulong value)
        {
            while (value >= 0x80) { _bytes.WriteByte((byte)(value | 0x80)); value >>= 7; }
            _bytes.WriteByte((byte)value);
        }

        public void Varint(int field, ulong value) { Key(field, 0); Raw(value); }
        public void Double(int field, double value) { Key(field, 1); _bytes.Write(BitConverter.GetBytes(value)); }
        public void Float(int field, float value) { Key(field, 5); _bytes.Write(BitConverter.GetBytes(value)); }
        public void Bytes(int field, byte[] value) { Key(field, 2); Raw((ulong)value.Length); _bytes.Write(value); }
        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public void Message(int field, Action<Proto> fields) => Bytes(field, Build(fields));
        public void PackedDoubles(int field, double[] values) => Bytes(field, values.SelectMany(BitConverter.GetBytes).ToArray());
    }
}
