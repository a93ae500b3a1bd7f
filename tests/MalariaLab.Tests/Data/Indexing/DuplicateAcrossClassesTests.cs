using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Common;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Indexing;

public class DuplicateAcrossClassesTests
{
    [Fact]
    public void The_same_image_in_both_class_folders_is_named_in_a_warning()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("data"), [("P1", 2, 2)]);
        File.Copy(temp.File("data/Parasitized/P1_IMG_20150101_P_cell_0.png"), temp.File("data/Uninfected/P1_IMG_20150101_U_cell_9.png"));
        var log = new CapturingLog();
        var result = DatasetIndexer.Build(temp.File("data"), "none", null, null, log);
        Assert.Equal(5, result.Rows.Count);
        Assert.Contains("1 image in both class folders, byte for byte (e.g. Parasitized/P1_IMG_20150101_P_cell_0.png = Uninfected/P1_IMG_20150101_U_cell_9.png)", log.Text);
    }
}
