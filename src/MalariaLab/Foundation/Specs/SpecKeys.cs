namespace MalariaLab.Foundation.Specs;

/// <summary>Every key of the experiment spec as a typed object: stages, networks and commands name the keys they read
/// through these (<c>SpecKeys.Train.Epochs</c>), the schema lists them in document order, and a stage's cache key and
/// the exact-keys test (StageKeyTests) use the same objects. A new key is one field here and its line in
/// <see cref="InDocumentOrder"/>; <c>spec.Get(key)</c> reads it typed.</summary>
public static class SpecKeys
{
    public static readonly SpecKey<string> Name = new("name", ValueKind.Identifier, "Experiment name; runs go to <artifacts>/runs/<name>/.") { Required = true };
    public static readonly SpecKey<string> Description = new("description", ValueKind.String, "Free text shown in reports.") { Default = "" };
    public static readonly SpecKey<long> Seed = new("seed", ValueKind.Integer, "The one seed every random choice (split, init, shuffle, dropout) derives from.") { Required = true, Min = 0, Max = 2147483647 };

    public static class Dataset
    {
        /// <summary>Every dataset.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("dataset.");
        public static readonly SpecKey<string> Source = new("dataset.source", ValueKind.String, "URL (http, https, file), local zip or extracted folder of the NIH cell images.") { Default = SpecSchema.OfficialDatasetUrl };
        public static readonly SpecKey<string?> Sha256 = new("dataset.sha256", ValueKind.Sha256, "Expected SHA-256 of the source zip; null to accept any (the actual hash is recorded).") { Default = SpecSchema.OfficialDatasetSha256, Nullable = true };
        public static readonly SpecKey<string> Corrections = new("dataset.corrections", ValueKind.Choice, "Fuhad et al. 2020 relabel lists: none (original labels), exclude (drop the False lists), relabel (swap their labels).") { Default = "none", Choices = ["none", "exclude", "relabel"] };
        public static readonly SpecKey<string> CorrectionsSource = new("dataset.corrections_source", ValueKind.String, "Base URL or folder holding True_/False_parasitized.csv and True_/False_uninfected.csv.") { Default = SpecSchema.CorrectionsUrl };
        public static readonly SpecKey<string?> PatientMapsSource = new("dataset.patient_maps_source", ValueKind.String, "Base URL or folder holding patientid_cellmapping_{parasitized,uninfected}.csv; null: take the patient from the file name.") { Default = SpecSchema.PatientMapsUrl, Nullable = true };
    }

    public static class Split
    {
        /// <summary>Every split.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("split.");
        public static readonly SpecKey<string> Strategy = new("split.strategy", ValueKind.Choice, "Split strategy from the split registry.") { Default = "keras-validation-split", FromRegistry = true };
        public static readonly SpecKey<double> Validation = new("split.validation", ValueKind.Number, "Fraction for validation (of all images; for patient-kfold, of the training folds; 0 for patient-kfold with split.test, where fold split.fold validates).") { Default = 0.2, Min = 0, Max = 0.9 };
        public static readonly SpecKey<double> Test = new("split.test", ValueKind.Number, "Fraction held out for test (stratified, patient, and patient-kfold: whole patients held out of every fold, for scoring the ensemble of the fold models).") { Default = 0.0, Min = 0, Max = 0.9 };
        public static readonly SpecKey<int> Folds = new("split.folds", ValueKind.Integer, "Number of folds (patient-kfold).") { Default = 5L, Min = 2, Max = 50 };
        public static readonly SpecKey<int> Fold = new("split.fold", ValueKind.Integer, "Which fold is the test fold (patient-kfold), 0-based.") { Default = 0L, Min = 0, Max = 49 };
    }

    public static class Preprocess
    {
        /// <summary>Every preprocess.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("preprocess.");
        public static readonly SpecKey<int> Size = new("preprocess.size", ValueKind.Integer, "Images are resized to size x size pixels.") { Default = 48L, Min = 8, Max = 512 };
        public static readonly SpecKey<string> Interpolation = new("preprocess.interpolation", ValueKind.Choice, "Resize filter, bit-exact with Pillow: nearest (Keras' default, Image.resize NEAREST) or bilinear (BILINEAR, antialiased when shrinking).") { Default = "nearest", Choices = ["nearest", "bilinear"] };
        public static readonly SpecKey<double> Scale = new("preprocess.scale", ValueKind.Number, "Pixel values are multiplied by this (the notebook: 1/255).") { Default = 1.0 / 255.0, Min = 0, Max = 1 };
    }

    public static class Model
    {
        /// <summary>Every model.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("model.");
        public static readonly SpecKey<string> Arch = new("model.arch", ValueKind.Choice, "Network from the model registry.") { Default = "seed-cnn", FromRegistry = true };
        public static readonly SpecKey<double> ConvDropout = new("model.conv_dropout", ValueKind.Number, "Dropout after each conv block.") { Default = 0.2, Min = 0, Max = 0.95 };
        public static readonly SpecKey<int> DenseUnits = new("model.dense_units", ValueKind.Integer, "Units of the hidden dense layer.") { Default = 128L, Min = 1, Max = 4096 };
        public static readonly SpecKey<double> DenseDropout = new("model.dense_dropout", ValueKind.Number, "Dropout after the hidden dense layer.") { Default = 0.3, Min = 0, Max = 0.95 };
    }

    public static class Augment
    {
        /// <summary>Every augment.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("augment.");
        public static readonly SpecKey<string> Flips = new("augment.flips", ValueKind.Choice, "Flips and quarter turns, drawn per image per epoch from the seed: none, or dihedral8 (the eight symmetries of the square; a cell has no orientation).") { Default = "none", Choices = ["none", "dihedral8"] };
        public static readonly SpecKey<double> Brightness = new("augment.brightness", ValueKind.Number, "Brightness jitter: pixels x (1 + u), u uniform in [-b, b].") { Default = 0.0, Min = 0, Max = 0.5 };
        public static readonly SpecKey<double> Contrast = new("augment.contrast", ValueKind.Number, "Contrast jitter: distance from the image's mean grey x (1 + u), u in [-c, c].") { Default = 0.0, Min = 0, Max = 0.5 };
        public static readonly SpecKey<double> Saturation = new("augment.saturation", ValueKind.Number, "Saturation jitter: distance from each pixel's grey x (1 + u), u in [-s, s].") { Default = 0.0, Min = 0, Max = 0.5 };
        public static readonly SpecKey<double> Hue = new("augment.hue", ValueKind.Number, "Hue jitter: chroma (YIQ) turned by u x 360 degrees, u in [-h, h].") { Default = 0.0, Min = 0, Max = 0.1 };
        public static readonly SpecKey<double> Scale = new("augment.scale", ValueKind.Number, "Zoom: each image scaled by (1 + u), u in [-z, z] (bilinear, black outside).") { Default = 0.0, Min = 0, Max = 0.3 };
        public static readonly SpecKey<double> Shift = new("augment.shift", ValueKind.Number, "Shift: each image moved by u x its side in x and in y, u in [-t, t].") { Default = 0.0, Min = 0, Max = 0.3 };
    }

    public static class Train
    {
        /// <summary>Every train.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("train.");
        public static readonly SpecKey<int> BatchSize = new("train.batch_size", ValueKind.Integer, "Images per step.") { Default = 8L, Min = 1, Max = 4096 };
        public static readonly SpecKey<int> Epochs = new("train.epochs", ValueKind.Integer, "Maximum number of epochs.") { Default = 75L, Min = 1, Max = 10000 };
        public static readonly SpecKey<double> Lr = new("train.lr", ValueKind.Number, "Adam learning rate.") { Default = 1e-4, Min = 0, Max = 10 };
        public static readonly SpecKey<double> Beta1 = new("train.beta1", ValueKind.Number, "Adam beta1.") { Default = 0.9, Min = 0, Max = 0.999999 };
        public static readonly SpecKey<double> Beta2 = new("train.beta2", ValueKind.Number, "Adam beta2.") { Default = 0.999, Min = 0, Max = 0.999999 };
        public static readonly SpecKey<double> Epsilon = new("train.epsilon", ValueKind.Number, "Adam epsilon (Keras: 1e-7).") { Default = 1e-7, Min = 0, Max = 1 };
        public static readonly SpecKey<string> Schedule = new("train.schedule", ValueKind.Choice, "Learning rate per step: constant; step (x gamma every step_epochs); cosine (from lr to min_lr, after warmup_epochs of linear warm-up); one-cycle (up to lr in the first 30% of steps, then down to min_lr, cosine); plateau (x gamma when val_loss has not improved for plateau_patience epochs, as Keras' ReduceLROnPlateau).") { Default = "constant", Choices = ["constant", "step", "cosine", "one-cycle", "plateau"] };
        public static readonly SpecKey<int> WarmupEpochs = new("train.warmup_epochs", ValueKind.Integer, "cosine: epochs of linear warm-up from lr/10 to lr.") { Default = 0L, Min = 0, Max = 1000 };
        public static readonly SpecKey<int> StepEpochs = new("train.step_epochs", ValueKind.Integer, "step: epochs between decays.") { Default = 10L, Min = 1, Max = 10000 };
        public static readonly SpecKey<double> Gamma = new("train.gamma", ValueKind.Number, "step and plateau: the factor each decay multiplies the learning rate by.") { Default = 0.1, Min = 0, Max = 1 };
        public static readonly SpecKey<double> MinLr = new("train.min_lr", ValueKind.Number, "cosine, one-cycle and plateau: the lowest learning rate.") { Default = 0.0, Min = 0, Max = 10 };
        public static readonly SpecKey<int> PlateauPatience = new("train.plateau_patience", ValueKind.Integer, "plateau: epochs without a better val_loss before a decay.") { Default = 2L, Min = 0, Max = 10000 };
        public static readonly SpecKey<double> WeightDecay = new("train.weight_decay", ValueKind.Number, "Decoupled weight decay (AdamW: weights x (1 - lr x wd) each step); 0 is plain Adam.") { Default = 0.0, Min = 0, Max = 1 };
        public static readonly SpecKey<double> LabelSmoothing = new("train.label_smoothing", ValueKind.Number, "Targets pulled towards 0.5: y x (1 - e) + e / 2.") { Default = 0.0, Min = 0, Max = 0.5 };
        public static readonly SpecKey<bool> Shuffle = new("train.shuffle", ValueKind.Boolean, "Reshuffle the training set each epoch (order drawn from the seed).") { Default = true };
        public static readonly SpecKey<int> Threads = new("train.threads", ValueKind.Integer, "LibTorch threads; 0 = all cores. Weights are bitwise repeatable only at the same count.") { Default = 0L, Min = 0, Max = 1024 };
        public static readonly SpecKey<string> EarlyStoppingMonitor = new("train.early_stopping.monitor", ValueKind.Choice, "Metric watched for early stopping; none disables it.") { Default = "val_loss", Choices = ["val_loss", "val_accuracy", "loss", "accuracy", "none"] };
        public static readonly SpecKey<int> EarlyStoppingPatience = new("train.early_stopping.patience", ValueKind.Integer, "Epochs without improvement before stopping.") { Default = 3L, Min = 0, Max = 10000 };
        public static readonly SpecKey<double> EarlyStoppingMinDelta = new("train.early_stopping.min_delta", ValueKind.Number, "Smallest change that counts as an improvement.") { Default = 0.0, Min = 0, Max = 1e9 };
        public static readonly SpecKey<string> EarlyStoppingMode = new("train.early_stopping.mode", ValueKind.Choice, "min or max; auto: max for accuracy, min for loss.") { Default = "auto", Choices = ["auto", "min", "max"] };
        public static readonly SpecKey<string> CheckpointMonitor = new("train.checkpoint.monitor", ValueKind.Choice, "Metric that picks the best epoch saved as weights/best.") { Default = "val_accuracy", Choices = ["val_loss", "val_accuracy", "loss", "accuracy"] };
        public static readonly SpecKey<string> CheckpointMode = new("train.checkpoint.mode", ValueKind.Choice, "min or max; auto: max for accuracy, min for loss.") { Default = "auto", Choices = ["auto", "min", "max"] };
        public static readonly SpecKey<bool> RestoreBest = new("train.restore_best", ValueKind.Boolean, "Evaluate with the best checkpoint (true) or with the last epoch's weights (false).") { Default = true };
        public static readonly SpecKey<bool> Histograms = new("train.histograms", ValueKind.Boolean, "Write weight histograms to TensorBoard each epoch (the notebook's histogram_freq=1).") { Default = true };
    }

    public static class Evaluate
    {
        /// <summary>Every evaluate.* key (for a stage that reads the whole section).</summary>
        public static readonly SpecSection All = new("evaluate.");
        public static readonly SpecKey<double> Threshold = new("evaluate.threshold", ValueKind.Number, "Probability at or above which a cell is called Parasitized.") { Default = 0.5, Min = 0, Max = 1 };
        public static readonly SpecKey<string> Tta = new("evaluate.tta", ValueKind.Choice, "Test-time augmentation, probabilities averaged: none, flips (identity, horizontal, vertical, both) or dihedral8 (all eight symmetries).") { Default = "none", Choices = ["none", "flips", "dihedral8"] };
        public static readonly SpecKey<string> ThresholdRule = new("evaluate.threshold_rule", ValueKind.Choice, "fixed: evaluate.threshold; youden or f1: the threshold that maximises Youden's J (sensitivity + specificity - 1) or F1 on the validation subset, then applied unchanged to the scored data.") { Default = "fixed", Choices = ["fixed", "youden", "f1"] };
        public static readonly SpecKey<bool> TemperatureScaling = new("evaluate.temperature_scaling", ValueKind.Boolean, "Fit one temperature on the validation logits (least negative log-likelihood) and divide every logit by it before thresholds and calibration metrics.") { Default = false };
        public static readonly SpecKey<string> Subset = new("evaluate.subset", ValueKind.Choice, "Subset scored: auto (test when the split has one, else validation), validation or test.") { Default = "auto", Choices = ["auto", "validation", "test"] };
    }

    /// <summary>Every key above, in document order (the order the resolved spec is written in).</summary>
    public static readonly IReadOnlyList<SpecKey> InDocumentOrder =
    [
        Name,
        Description,
        Seed,

        Dataset.Source,
        Dataset.Sha256,
        Dataset.Corrections,
        Dataset.CorrectionsSource,
        Dataset.PatientMapsSource,

        Split.Strategy,
        Split.Validation,
        Split.Test,
        Split.Folds,
        Split.Fold,

        Preprocess.Size,
        Preprocess.Interpolation,
        Preprocess.Scale,

        Model.Arch,
        Model.ConvDropout,
        Model.DenseUnits,
        Model.DenseDropout,

        Augment.Flips,
        Augment.Brightness,
        Augment.Contrast,
        Augment.Saturation,
        Augment.Hue,
        Augment.Scale,
        Augment.Shift,

        Train.BatchSize,
        Train.Epochs,
        Train.Lr,
        Train.Beta1,
        Train.Beta2,
        Train.Epsilon,
        Train.Schedule,
        Train.WarmupEpochs,
        Train.StepEpochs,
        Train.Gamma,
        Train.MinLr,
        Train.PlateauPatience,
        Train.WeightDecay,
        Train.LabelSmoothing,
        Train.Shuffle,
        Train.Threads,
        Train.EarlyStoppingMonitor,
        Train.EarlyStoppingPatience,
        Train.EarlyStoppingMinDelta,
        Train.EarlyStoppingMode,
        Train.CheckpointMonitor,
        Train.CheckpointMode,
        Train.RestoreBest,
        Train.Histograms,

        Evaluate.Threshold,
        Evaluate.Tta,
        Evaluate.ThresholdRule,
        Evaluate.TemperatureScaling,
        Evaluate.Subset,
    ];
}
