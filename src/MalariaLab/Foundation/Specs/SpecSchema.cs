using System.Globalization;

namespace MalariaLab.Foundation.Specs;

public enum ValueKind { String, Integer, Number, Boolean, Choice, Sha256, Identifier }

/// <summary>One key of the experiment spec: its type, limits, default and a one-line description
/// (README's key table is checked against this list).</summary>
public sealed record SpecKey(string Path, ValueKind Kind, string Description)
{
    public bool Required { get; init; }
    public object? Default { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public string[]? Choices { get; init; }
    /// <summary>The choices come from a registry (<see cref="SpecChoices"/>), not from this declaration.</summary>
    public bool FromRegistry { get; init; }

    public IReadOnlyList<string> AllowedChoices => FromRegistry ? SpecChoices.Of(Path).Select(c => c.Name).ToList() : Choices ?? [];

    /// <summary>The description with a registry's entries appended ("name: what it is; ...").</summary>
    public string FullDescription => FromRegistry
        ? Description + " " + string.Join("; ", SpecChoices.Of(Path).Select(c => $"{c.Name}: {c.Description}")) + "."
        : Description;
    /// <summary>Null is allowed (the key may be left empty: "not set").</summary>
    public bool Nullable { get; init; }

    public string Allowed => Kind switch
    {
        ValueKind.Choice => "one of: " + string.Join(" | ", AllowedChoices),
        ValueKind.Integer => "an integer" + Range,
        ValueKind.Number => "a number" + Range,
        ValueKind.Boolean => "true or false",
        ValueKind.Sha256 => "64 hex digits (a SHA-256)" + (Nullable ? " or null" : ""),
        ValueKind.Identifier => "a name of 1-64 letters, digits, '-', '_' or '.' (starting with a letter or digit)",
        _ => "a string" + (Nullable ? " or null" : ""),
    };

    string Range => (Min, Max) switch
    {
        (null, null) => "",
        ({ } lo, null) => $" >= {Format(lo)}",
        (null, { } hi) => $" <= {Format(hi)}",
        ({ } lo, { } hi) => $" in [{Format(lo)}, {Format(hi)}]",
    };

    static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The whole experiment spec format, in document order.</summary>
public static class SpecSchema
{
    public const string OfficialDatasetUrl = "https://data.lhncbc.nlm.nih.gov/public/Malaria/cell_images.zip";
    public const string OfficialDatasetSha256 = "0a949556b2414159b5100192609805376654c4266d8d187be9b1922fad43c668";
    public const string PatientMapsUrl = "https://data.lhncbc.nlm.nih.gov/public/Malaria/";
    public const string CorrectionsUrl =
        "https://raw.githubusercontent.com/madhava20217/Malaria-Detection-from-Cells/51c6fafdf1e42354b74f6103f159abd73c633a01/Modules/corrected_images/";

    public static readonly IReadOnlyList<SpecKey> Keys =
    [
        new("name", ValueKind.Identifier, "Experiment name; runs go to <artifacts>/runs/<name>/.") { Required = true },
        new("description", ValueKind.String, "Free text shown in reports.") { Default = "" },
        new("seed", ValueKind.Integer, "The one seed every random choice (split, init, shuffle, dropout) derives from.") { Required = true, Min = 0, Max = 2147483647 },

        new("dataset.source", ValueKind.String, "URL (http, https, file), local zip or extracted folder of the NIH cell images.") { Default = OfficialDatasetUrl },
        new("dataset.sha256", ValueKind.Sha256, "Expected SHA-256 of the source zip; null to accept any (the actual hash is recorded).") { Default = OfficialDatasetSha256, Nullable = true },
        new("dataset.corrections", ValueKind.Choice, "Fuhad et al. 2020 relabel lists: none (original labels), exclude (drop the False lists), relabel (swap their labels).") { Default = "none", Choices = ["none", "exclude", "relabel"] },
        new("dataset.corrections_source", ValueKind.String, "Base URL or folder holding True_/False_parasitized.csv and True_/False_uninfected.csv.") { Default = CorrectionsUrl },
        new("dataset.patient_maps_source", ValueKind.String, "Base URL or folder holding patientid_cellmapping_{parasitized,uninfected}.csv; null: take the patient from the file name.") { Default = PatientMapsUrl, Nullable = true },

        new("split.strategy", ValueKind.Choice, "Split strategy from the split registry.") { Default = "keras-validation-split", FromRegistry = true },
        new("split.validation", ValueKind.Number, "Fraction for validation (of all images; for patient-kfold, of the training folds; 0 for patient-kfold with split.test, where fold split.fold validates).") { Default = 0.2, Min = 0, Max = 0.9 },
        new("split.test", ValueKind.Number, "Fraction held out for test (stratified, patient, and patient-kfold: whole patients held out of every fold, for scoring the ensemble of the fold models).") { Default = 0.0, Min = 0, Max = 0.9 },
        new("split.folds", ValueKind.Integer, "Number of folds (patient-kfold).") { Default = 5L, Min = 2, Max = 50 },
        new("split.fold", ValueKind.Integer, "Which fold is the test fold (patient-kfold), 0-based.") { Default = 0L, Min = 0, Max = 49 },

        new("preprocess.size", ValueKind.Integer, "Images are resized to size x size pixels.") { Default = 48L, Min = 8, Max = 512 },
        new("preprocess.interpolation", ValueKind.Choice, "Resize filter, bit-exact with Pillow: nearest (Keras' default, Image.resize NEAREST) or bilinear (BILINEAR, antialiased when shrinking).") { Default = "nearest", Choices = ["nearest", "bilinear"] },
        new("preprocess.scale", ValueKind.Number, "Pixel values are multiplied by this (the notebook: 1/255).") { Default = 1.0 / 255.0, Min = 0, Max = 1 },

        new("model.arch", ValueKind.Choice, "Network from the model registry.") { Default = "seed-cnn", FromRegistry = true },
        new("model.conv_dropout", ValueKind.Number, "Dropout after each conv block.") { Default = 0.2, Min = 0, Max = 0.95 },
        new("model.dense_units", ValueKind.Integer, "Units of the hidden dense layer.") { Default = 128L, Min = 1, Max = 4096 },
        new("model.dense_dropout", ValueKind.Number, "Dropout after the hidden dense layer.") { Default = 0.3, Min = 0, Max = 0.95 },

        new("augment.flips", ValueKind.Choice, "Flips and quarter turns, drawn per image per epoch from the seed: none, or dihedral8 (the eight symmetries of the square; a cell has no orientation).") { Default = "none", Choices = ["none", "dihedral8"] },
        new("augment.brightness", ValueKind.Number, "Brightness jitter: pixels x (1 + u), u uniform in [-b, b].") { Default = 0.0, Min = 0, Max = 0.5 },
        new("augment.contrast", ValueKind.Number, "Contrast jitter: distance from the image's mean grey x (1 + u), u in [-c, c].") { Default = 0.0, Min = 0, Max = 0.5 },
        new("augment.saturation", ValueKind.Number, "Saturation jitter: distance from each pixel's grey x (1 + u), u in [-s, s].") { Default = 0.0, Min = 0, Max = 0.5 },
        new("augment.hue", ValueKind.Number, "Hue jitter: chroma (YIQ) turned by u x 360 degrees, u in [-h, h].") { Default = 0.0, Min = 0, Max = 0.1 },
        new("augment.scale", ValueKind.Number, "Zoom: each image scaled by (1 + u), u in [-z, z] (bilinear, black outside).") { Default = 0.0, Min = 0, Max = 0.3 },
        new("augment.shift", ValueKind.Number, "Shift: each image moved by u x its side in x and in y, u in [-t, t].") { Default = 0.0, Min = 0, Max = 0.3 },

        new("train.batch_size", ValueKind.Integer, "Images per step.") { Default = 8L, Min = 1, Max = 4096 },
        new("train.epochs", ValueKind.Integer, "Maximum number of epochs.") { Default = 75L, Min = 1, Max = 10000 },
        new("train.lr", ValueKind.Number, "Adam learning rate.") { Default = 1e-4, Min = 0, Max = 10 },
        new("train.beta1", ValueKind.Number, "Adam beta1.") { Default = 0.9, Min = 0, Max = 0.999999 },
        new("train.beta2", ValueKind.Number, "Adam beta2.") { Default = 0.999, Min = 0, Max = 0.999999 },
        new("train.epsilon", ValueKind.Number, "Adam epsilon (Keras: 1e-7).") { Default = 1e-7, Min = 0, Max = 1 },
        new("train.schedule", ValueKind.Choice, "Learning rate per step: constant; step (x gamma every step_epochs); cosine (from lr to min_lr, after warmup_epochs of linear warm-up); one-cycle (up to lr in the first 30% of steps, then down to min_lr, cosine); plateau (x gamma when val_loss has not improved for plateau_patience epochs, as Keras' ReduceLROnPlateau).") { Default = "constant", Choices = ["constant", "step", "cosine", "one-cycle", "plateau"] },
        new("train.warmup_epochs", ValueKind.Integer, "cosine: epochs of linear warm-up from lr/10 to lr.") { Default = 0L, Min = 0, Max = 1000 },
        new("train.step_epochs", ValueKind.Integer, "step: epochs between decays.") { Default = 10L, Min = 1, Max = 10000 },
        new("train.gamma", ValueKind.Number, "step and plateau: the factor each decay multiplies the learning rate by.") { Default = 0.1, Min = 0, Max = 1 },
        new("train.min_lr", ValueKind.Number, "cosine, one-cycle and plateau: the lowest learning rate.") { Default = 0.0, Min = 0, Max = 10 },
        new("train.plateau_patience", ValueKind.Integer, "plateau: epochs without a better val_loss before a decay.") { Default = 2L, Min = 0, Max = 10000 },
        new("train.weight_decay", ValueKind.Number, "Decoupled weight decay (AdamW: weights x (1 - lr x wd) each step); 0 is plain Adam.") { Default = 0.0, Min = 0, Max = 1 },
        new("train.label_smoothing", ValueKind.Number, "Targets pulled towards 0.5: y x (1 - e) + e / 2.") { Default = 0.0, Min = 0, Max = 0.5 },
        new("train.shuffle", ValueKind.Boolean, "Reshuffle the training set each epoch (order drawn from the seed).") { Default = true },
        new("train.threads", ValueKind.Integer, "LibTorch threads; 0 = all cores. Weights are bitwise repeatable only at the same count.") { Default = 0L, Min = 0, Max = 1024 },
        new("train.early_stopping.monitor", ValueKind.Choice, "Metric watched for early stopping; none disables it.") { Default = "val_loss", Choices = ["val_loss", "val_accuracy", "loss", "accuracy", "none"] },
        new("train.early_stopping.patience", ValueKind.Integer, "Epochs without improvement before stopping.") { Default = 3L, Min = 0, Max = 10000 },
        new("train.early_stopping.min_delta", ValueKind.Number, "Smallest change that counts as an improvement.") { Default = 0.0, Min = 0, Max = 1e9 },
        new("train.early_stopping.mode", ValueKind.Choice, "min or max; auto: max for accuracy, min for loss.") { Default = "auto", Choices = ["auto", "min", "max"] },
        new("train.checkpoint.monitor", ValueKind.Choice, "Metric that picks the best epoch saved as weights/best.") { Default = "val_accuracy", Choices = ["val_loss", "val_accuracy", "loss", "accuracy"] },
        new("train.checkpoint.mode", ValueKind.Choice, "min or max; auto: max for accuracy, min for loss.") { Default = "auto", Choices = ["auto", "min", "max"] },
        new("train.restore_best", ValueKind.Boolean, "Evaluate with the best checkpoint (true) or with the last epoch's weights (false).") { Default = true },
        new("train.histograms", ValueKind.Boolean, "Write weight histograms to TensorBoard each epoch (the notebook's histogram_freq=1).") { Default = true },

        new("evaluate.threshold", ValueKind.Number, "Probability at or above which a cell is called Parasitized.") { Default = 0.5, Min = 0, Max = 1 },
        new("evaluate.tta", ValueKind.Choice, "Test-time augmentation, probabilities averaged: none, flips (identity, horizontal, vertical, both) or dihedral8 (all eight symmetries).") { Default = "none", Choices = ["none", "flips", "dihedral8"] },
        new("evaluate.threshold_rule", ValueKind.Choice, "fixed: evaluate.threshold; youden or f1: the threshold that maximises Youden's J (sensitivity + specificity - 1) or F1 on the validation subset, then applied unchanged to the scored data.") { Default = "fixed", Choices = ["fixed", "youden", "f1"] },
        new("evaluate.temperature_scaling", ValueKind.Boolean, "Fit one temperature on the validation logits (least negative log-likelihood) and divide every logit by it before thresholds and calibration metrics.") { Default = false },
        new("evaluate.subset", ValueKind.Choice, "Subset scored: auto (test when the split has one, else validation), validation or test.") { Default = "auto", Choices = ["auto", "validation", "test"] },
    ];

    public static SpecKey? Find(string path) => Keys.FirstOrDefault(k => k.Path == path);

    /// <summary>Keys allowed directly under a mapping at <paramref name="prefix"/> ("" for the root).</summary>
    public static IReadOnlyList<string> ChildrenOf(string prefix)
    {
        string start = prefix.Length == 0 ? "" : prefix + ".";
        return Keys.Where(k => k.Path.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k.Path[start.Length..].Split('.')[0]).Distinct().ToList();
    }

    public static bool IsSection(string path) => Keys.Any(k => k.Path.StartsWith(path + ".", StringComparison.Ordinal));
}
