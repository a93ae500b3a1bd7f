using MalariaLab.Foundation.Specs;
using MalariaLab.Foundation.Common;
using MalariaLab.RunCache;
using MalariaLab.Data.Download;

namespace MalariaLab.Data.Extract;

/// <summary>Extract: the downloaded zip, safely unzipped into data/&lt;sha&gt;/; a folder source passes through.</summary>
public static class ExtractStage
{
    public const string Data = "data";

    public static readonly StageDefinition Definition = new("extract", 1,
        "Safely unzip the dataset (no zip-slip, links or bombs); a folder source is used as is.",
        [], ["download"], ["data/<sha>/"])
    {
        Run = (c, _) =>
        {
            var dataset = c.Lock("download").Outputs[DownloadStage.Dataset];
            return Run(dataset, c.Workspace.Absolute(dataset.Path), c.Workspace.DataFor, c.Log);
        },
    };

    /// <summary>Where the extracted (or passed-through) data of this walk is.</summary>
    public static string DataFolder(IStageContext c) => c.Workspace.Absolute(c.Lock("extract").Outputs[Data].Path);

    /// <summary>The dataset's content id from Download ("zip:&lt;sha&gt;" or "folder:&lt;listing&gt;") and where it is.</summary>
    public static StageResult Run(LockedOutput dataset, string datasetPath, Func<string, string> targetForZip, ILog log)
    {
        if (dataset.Identity.StartsWith("folder:", StringComparison.Ordinal))
            return new StageResult(new Dictionary<string, LockedOutput> { [Data] = new(datasetPath, dataset.Identity, false) });
        string sha = dataset.Identity["zip:".Length..];
        string target = targetForZip(sha);
        SafeZipExtractor.Extract(datasetPath, target, log: log);
        return new StageResult(new Dictionary<string, LockedOutput> { [Data] = new(target, dataset.Identity, false) });
    }
}
