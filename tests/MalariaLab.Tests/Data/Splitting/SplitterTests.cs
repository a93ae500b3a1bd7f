using MalariaLab.Data.Indexing;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;

namespace MalariaLab.Tests.Data.Splitting;

public class SplitterTests
{
    static IndexRow Row(string label, string file, string patient) => new($"{label}/{file}", label, label, patient, 10, 10, new string('0', 64), "none");

    /// <summary>12 patients; P1..P8 with parasitized cells, P9..P12 without; 3 to 6 cells each.</summary>
    static List<IndexRow> Fixture()
    {
        var rows = new List<IndexRow>();
        for (int p = 1; p <= 12; p++)
        {
            int cells = 3 + p % 4;
            for (int c = 0; c < cells; c++)
            {
                rows.Add(Row(Labels.Uninfected, $"P{p}_IMG_u{c}.png", $"P{p}"));
                if (p <= 8) rows.Add(Row(Labels.Parasitized, $"P{p}_IMG_p{c}.png", $"P{p}"));
            }
        }
        return rows;
    }

    static SplitSpec Spec(string strategy, double validation = 0.2, double test = 0, int folds = 5, int fold = 0) => new(strategy, validation, test, folds, fold);

    [Fact]
    public void Keras_split_takes_the_first_fraction_of_sorted_names_per_class()
    {
        // Keras: files sorted per class folder, validation = files[:int(0.25 * n)], training = the rest.
        var rows = new List<IndexRow>
        {
            Row("Parasitized", "b.png", "x"), Row("Parasitized", "a.png", "x"), Row("Parasitized", "d.png", "y"),
            Row("Parasitized", "c.png", "y"), Row("Parasitized", "e.png", "z"),
            Row("Uninfected", "z.png", "x"), Row("Uninfected", "B.png", "x"), Row("Uninfected", "a.png", "y"), Row("Uninfected", "m.png", "z"),
        };
        var split = Splitter.Split(rows, Spec("keras-validation-split", 0.25), seed: 1);
        // int(0.25 * 5) = 1 parasitized, int(0.25 * 4) = 1 uninfected; ordinal sort puts "B" before "a".
        Assert.Equal(["Parasitized/a.png", "Uninfected/B.png"], split.Where(s => s.Subset == Subsets.Validation).Select(s => s.Path));
        Assert.Equal(["Parasitized/b.png", "Parasitized/c.png", "Parasitized/d.png", "Parasitized/e.png", "Uninfected/a.png", "Uninfected/m.png", "Uninfected/z.png"],
            split.Where(s => s.Subset == Subsets.Train).Select(s => s.Path));
    }

    [Fact]
    public void Keras_split_ignores_the_seed_and_input_order()
    {
        var rows = Fixture();
        var a = Splitter.Split(rows, Spec("keras-validation-split"), 1);
        var b = Splitter.Split(Enumerable.Reverse(rows).ToList(), Spec("keras-validation-split"), 99);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Split_hash_of_the_fixture_is_pinned()
    {
        // Pinned: a change here means every existing split changes; bump the stage version if intended.
        var rows = Fixture();
        string hash = SplitFile.Hash(Splitter.Split(rows, Spec("stratified", 0.2, 0.2), 42));
        Assert.Equal("011a4cad898b5eba02dae8390c731d556e37e9ee01236b5b8e6f632cc2d4b517", hash);
    }

    [Fact]
    public void Stratified_order_equals_an_independent_sha256_oracle()
    {
        // Oracle (Python): sorted(paths, key=lambda k: int.from_bytes(sha256(f"42/split/stratified/{k}").digest()[:8], "little"));
        // with 5 per class, round(0.2 * 5) = 1 test, then 1 validation.
        var rows = Labels.All.SelectMany(l => Enumerable.Range(0, 5).Select(i => Row(l, $"c{i}.png", "p"))).ToList();
        var split = Splitter.Split(rows, Spec("stratified", 0.2, 0.2), 42);
        string[] Subset(string s) => split.Where(r => r.Subset == s).Select(r => r.Path).ToArray();
        Assert.Equal(["Parasitized/c0.png", "Uninfected/c1.png"], Subset(Subsets.Test));
        Assert.Equal(["Parasitized/c4.png", "Uninfected/c0.png"], Subset(Subsets.Validation));
        Assert.Equal(["Parasitized/c1.png", "Parasitized/c2.png", "Parasitized/c3.png", "Uninfected/c2.png", "Uninfected/c3.png", "Uninfected/c4.png"], Subset(Subsets.Train));
    }

    [Fact]
    public void Stratified_keeps_class_fractions()
    {
        var split = Splitter.Split(Fixture(), Spec("stratified", 0.2, 0.1), 42);
        foreach (var label in Labels.All)
        {
            var ofClass = split.Where(s => s.Label == label).ToList();
            int n = ofClass.Count;
            Assert.Equal((int)Math.Round(0.1 * n, MidpointRounding.AwayFromZero), ofClass.Count(s => s.Subset == Subsets.Test));
            Assert.Equal((int)Math.Round(0.2 * n, MidpointRounding.AwayFromZero), ofClass.Count(s => s.Subset == Subsets.Validation));
        }
    }

    [Fact]
    public void Patient_split_never_puts_a_patient_in_two_subsets()
    {
        var split = Splitter.Split(Fixture(), Spec("patient", 0.2, 0.2), 7);
        Assert.All(split.GroupBy(s => s.Patient), g => Assert.Single(g.Select(s => s.Subset).Distinct()));
        Assert.All(new[] { Subsets.Train, Subsets.Validation, Subsets.Test }, subset =>
            Assert.Contains(split, s => s.Subset == subset && s.Label == Labels.Parasitized));
    }

    [Fact]
    public void Patient_kfold_tests_each_patient_exactly_once_across_folds()
    {
        var rows = Fixture();
        var testedIn = new Dictionary<string, int>();
        for (int fold = 0; fold < 4; fold++)
        {
            var split = Splitter.Split(rows, Spec("patient-kfold", 0.2, 0, 4, fold), 5);
            Assert.All(split.GroupBy(s => s.Patient), g => Assert.Single(g.Select(s => s.Subset).Distinct()));
            Assert.Contains(split, s => s.Subset == Subsets.Validation);
            foreach (var patient in split.Where(s => s.Subset == Subsets.Test).Select(s => s.Patient).Distinct())
                testedIn.Add(patient, fold); // throws if a patient is tested twice
            Assert.All(split, s => Assert.Equal(s.Subset == Subsets.Test, s.Fold == fold));
        }
        Assert.Equal(12, testedIn.Count);
    }

    [Fact]
    public void Patient_kfold_with_test_holds_the_same_patients_out_of_every_fold()
    {
        var rows = Fixture();
        HashSet<string>? testPatients = null;
        var validatedIn = new Dictionary<string, int>();
        for (int fold = 0; fold < 3; fold++)
        {
            var split = Splitter.Split(rows, Spec("patient-kfold", 0, 0.25, 3, fold), 5);
            Assert.All(split.GroupBy(s => s.Patient), g => Assert.Single(g.Select(s => s.Subset).Distinct()));
            var test = split.Where(s => s.Subset == Subsets.Test).Select(s => s.Patient).ToHashSet();
            testPatients ??= test;
            Assert.Equal(testPatients, test); // the same held-out patients for every fold model
            Assert.All(split.Where(s => s.Subset == Subsets.Test), s => Assert.Equal(-1, s.Fold));
            Assert.All(split.Where(s => s.Subset != Subsets.Test), s => Assert.Equal(s.Subset == Subsets.Validation, s.Fold == fold));
            foreach (var patient in split.Where(s => s.Subset == Subsets.Validation).Select(s => s.Patient).Distinct())
                validatedIn.Add(patient, fold); // throws if a patient validates two folds
        }
        // 12 patients, test 0.25 of the images: whole patients, some of each stratum; every other patient validates one fold.
        Assert.InRange(testPatients!.Count, 2, 4);
        Assert.Contains(rows, r => testPatients.Contains(r.Patient) && r.Label == Labels.Parasitized);
        Assert.Equal(12 - testPatients.Count, validatedIn.Count);
        Assert.Empty(validatedIn.Keys.Intersect(testPatients));
    }

    [Fact]
    public void Patient_kfold_without_test_is_unchanged()
    {
        // Pinned before split.test existed for patient-kfold: the folds of existing specs stay the same patients.
        var split = Splitter.Split(Fixture(), Spec("patient-kfold", 0.2, 0, 4, 1), 5);
        string Patients(string subset) => string.Join(",", split.Where(s => s.Subset == subset).Select(s => s.Patient).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Pinned.Test, Patients(Subsets.Test));
        Assert.Equal(Pinned.Validation, Patients(Subsets.Validation));
    }

    static class Pinned
    {
        public const string Test = "P7,P8,P9", Validation = "P3";
    }

    [Fact]
    public void Impossible_requests_are_clear_errors()
    {
        Assert.Contains("must be below 1", Assert.Throws<MalariaLab.Foundation.Common.MalariaLabException>(() => Splitter.Split(Fixture(), Spec("stratified", 0.6, 0.5), 1)).Message);
        Assert.Contains("cannot make 20 patient folds", Assert.Throws<MalariaLab.Foundation.Common.MalariaLabException>(() => Splitter.Split(Fixture(), Spec("patient-kfold", 0.2, 0, 20, 0), 1)).Message);
        Assert.Contains("index is empty", Assert.Throws<MalariaLab.Foundation.Common.MalariaLabException>(() => Splitter.Split([], Spec("stratified"), 1)).Message);
    }
}
