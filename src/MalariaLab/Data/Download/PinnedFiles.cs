namespace MalariaLab.Data.Download;

/// <summary>The auxiliary files a spec can name, with their pinned SHA-256s (from the official site and
/// madhava20217/Malaria-Detection-from-Cells at commit 51c6faf).</summary>
public static class PinnedFiles
{
    public const string ParasitizedMap = "patientid_cellmapping_parasitized.csv";
    public const string UninfectedMap = "patientid_cellmapping_uninfected.csv";
    public const string TrueParasitized = "True_parasitized.csv";
    public const string TrueUninfected = "True_uninfected.csv";
    public const string FalseParasitized = "False_parasitized.csv";
    public const string FalseUninfected = "False_uninfected.csv";

    public static readonly IReadOnlyDictionary<string, string> Sha256 = new Dictionary<string, string>
    {
        [ParasitizedMap] = "d0367e513397404e980baee2a641bce9ce329a22e62ea9007962dfca2f8418d3",
        [UninfectedMap] = "a8577b21e7154724f4bbd18326218e2c63a99b22ab372b79a7530d36df6dab78",
        [TrueParasitized] = "28da63884bd83f67610c21496059b136bc92495ce99543b57c6da2ebb52fa826",
        [TrueUninfected] = "b56a301cb6079242d6418605e48722bbbadd876d7f53457a04f75bcb68b28177",
        [FalseParasitized] = "11461d5343c291d8b9de69af01fa23eec49284107a5854b7fac272b7b887507d",
        [FalseUninfected] = "93eb1e89dc4b167a1376d25123af06908d302845b8724357f13c9857a036b36d",
    };

    /// <summary>"base/" + name for URLs, Path.Combine for folders.</summary>
    public static string Join(string baseSource, string fileName) =>
        baseSource.Contains("://") ? baseSource.TrimEnd('/') + "/" + fileName : Path.Combine(baseSource, fileName);
}
