namespace MalariaLab.Data.Extract;

/// <summary>Zip-bomb caps. The full NIH set is 27,560 entries and ~350 MB, far below the defaults.</summary>
public sealed record ZipLimits(long MaxTotalBytes = 4L << 30, int MaxEntries = 200_000, double MaxRatio = 200);
