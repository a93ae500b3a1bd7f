using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Indexing;

public class DatasetIndexerTests
{
    [Fact]
    public void Corrupt_and_non_image_files_are_listed_with_a_reason_not_a_crash()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.File("cell_images"), [("P1", 2, 2)]);
        File.WriteAllBytes(temp.File("cell_images/Parasitized/P1_IMG_zero.png"), []);
        File.WriteAllText(temp.File("cell_images/Parasitized/P1_IMG_text.png"), "not an image");
        var png = SyntheticData.Png(20, 20);
        File.WriteAllBytes(temp.File("cell_images/Uninfected/P1_IMG_truncated.png"), png[..(png.Length / 2)]);
        File.WriteAllText(temp.File("cell_images/Uninfected/Thumbs.db"), "x");
        File.WriteAllText(temp.File("cell_images/Uninfected/notes.txt"), "x");

        var result = DatasetIndexer.Build(temp.Path, "none", null, null, new CapturingLog());
        Assert.Equal(4, result.Rows.Count);
        Assert.Equal(["Parasitized/P1_IMG_text.png", "Parasitized/P1_IMG_zero.png", "Uninfected/P1_IMG_truncated.png", "Uninfected/Thumbs.db", "Uninfected/notes.txt"],
            result.Skipped.Select(s => s.Path));
        Assert.Equal("empty file (0 bytes), expected an image", result.Skipped[1].Reason);
        Assert.Equal("ignored: operating-system metadata file", result.Skipped[3].Reason);
        Assert.Equal("not a .png file", result.Skipped[4].Reason);
        Assert.All(result.Rows, r => Assert.Equal("P1", r.Patient));
    }

    [Fact]
    public void Missing_or_empty_class_folder_is_a_clear_error()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.Path, [("P1", 2, 0)]);
        Directory.Delete(temp.File("Uninfected"), true);
        Assert.Contains("class folder 'Uninfected/' is missing", Assert.Throws<MalariaLabException>(() => DatasetIndexer.Build(temp.Path, "none", null, null, new CapturingLog())).Message);
        Directory.CreateDirectory(temp.File("Uninfected"));
        Assert.Contains("no readable images in class folder 'Uninfected'", Assert.Throws<MalariaLabException>(() => DatasetIndexer.Build(temp.Path, "none", null, null, new CapturingLog())).Message);
    }

    [Fact]
    public void Fingerprint_depends_on_content_and_labels_not_order()
    {
        var a = new IndexRow("Parasitized/a.png", "Parasitized", "Parasitized", "P", 1, 1, new string('1', 64), "none");
        var b = new IndexRow("Uninfected/b.png", "Uninfected", "Uninfected", "P", 1, 1, new string('2', 64), "none");
        Assert.Equal(IndexFile.Fingerprint([a, b]), IndexFile.Fingerprint([b, a]));
        Assert.NotEqual(IndexFile.Fingerprint([a, b]), IndexFile.Fingerprint([a, b with { Label = "Parasitized" }]));
        // Oracle: printf 'Parasitized/a.png,Parasitized,111...\nUninfected/b.png,Uninfected,222...\n' | sha256sum
        Assert.Equal(ShaOfText($"Parasitized/a.png,Parasitized,{new string('1', 64)}\nUninfected/b.png,Uninfected,{new string('2', 64)}\n"), IndexFile.Fingerprint([a, b]));
    }

    static string ShaOfText(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Patient_maps_parse_the_official_format()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("map.csv"), "C1P1,['C1P1_IMG_1.png', 'C1P1_IMG_2.png'],,,\r\nC2P2,['C2P2_IMG_9.png'],,\r\n,,,\r\n");
        var map = PatientMaps.Parse(temp.File("map.csv"));
        Assert.Equal(new Dictionary<string, string> { ["C1P1_IMG_1.png"] = "C1P1", ["C1P1_IMG_2.png"] = "C1P1", ["C2P2_IMG_9.png"] = "C2P2" }, map);
        File.WriteAllText(temp.File("bad.csv"), "C1P1,['a.png']\r\ngarbage line\r\n");
        Assert.StartsWith($"{temp.File("bad.csv")}:2:", Assert.Throws<MalariaLabException>(() => PatientMaps.Parse(temp.File("bad.csv"))).Message);
    }
}
