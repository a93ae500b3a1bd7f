using MalariaLab.Foundation.Common;

namespace MalariaLab.Tests.Foundation.Common;

public class SeedSourceTests
{
    [Fact]
    public void Draw_is_the_first_8_bytes_of_sha256_little_endian()
    {
        // Oracle: python3 -c "import hashlib;print(int.from_bytes(hashlib.sha256(b'42/split/a').digest()[:8],'little'))"
        Assert.Equal(13382776169922080181UL, SeedSource.Draw(42, "split", "a"));
        Assert.Equal(2141655419172214829UL, SeedSource.Draw(0, "", ""));
    }

    [Fact]
    public void Shuffle_does_not_depend_on_input_order()
    {
        var items = Enumerable.Range(0, 50).Select(i => $"item{i}").ToList();
        var a = SeedSource.Shuffle(items, s => s, 3, "p");
        var b = SeedSource.Shuffle(Enumerable.Reverse(items), s => s, 3, "p");
        Assert.Equal(a, b);
        Assert.NotEqual(items, a);
        Assert.NotEqual(a, SeedSource.Shuffle(items, s => s, 4, "p"));
    }

    [Fact]
    public void Permutation_is_a_permutation()
    {
        var p = SeedSource.Permutation(1000, 1, "shuffle/epoch1");
        Assert.Equal(Enumerable.Range(0, 1000), p.Order());
        Assert.NotEqual(p, SeedSource.Permutation(1000, 1, "shuffle/epoch2"));
    }
}
