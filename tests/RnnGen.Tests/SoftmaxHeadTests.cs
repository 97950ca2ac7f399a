using RnnGen.Checkpoints;
using RnnGen.Data;
using RnnGen.Execution;
using RnnGen.Initialization;
using RnnGen.Optimizers;
using RnnGen.Training;

namespace RnnGen.Tests;

/// <summary>
/// The Dense(N) softmax head end to end: Keras' shapes and counts, probabilities, training through Fit with argmax
/// accuracy, evaluation, checkpoints, label checks and thread-count determinism. The math itself is checked against the
/// scalar reference, finite differences and the softmax fixtures (ReferenceAgreementTests, GradientCheckTests,
/// FixtureParityTests).
/// </summary>
public class SoftmaxHeadTests
{
    [Fact]
    public void The_head_has_Keras_names_shapes_and_counts()
    {
        ModelDescription description = MarkerClassifier.Description;
        Assert.Equal(3, description.Classes);
        Assert.Equal([16, 3], description.FindTensor("dense/kernel")!.Shape);
        Assert.Equal([3], description.FindTensor("dense/bias")!.Shape);
        string summary = new MarkerClassifier().Summary();
        Assert.Contains(" dense (Dense)".PadRight(29) + "(None, 3)".PadRight(26) + "51", summary, StringComparison.Ordinal); // (16 + 1)·3
        Assert.EndsWith(" N=3", description.SpecText, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_gives_rows_of_probabilities_whose_argmax_is_the_largest_logit()
    {
        var model = new MarkerClassifier(seed: 3);
        TestData.RandomizeWeights(model, seed: 4, scale: 1f);
        (int[] tokens, _) = TestData.RandomBatch(5, MarkerClassifier.Vocab, MarkerClassifier.SeqLen, 9, classes: 3);
        float[] probabilities = model.Predict(tokens);
        float[] logits = new float[9 * 3];
        model.PredictLogits(tokens, logits);

        Assert.Equal(27, probabilities.Length);
        for (int b = 0; b < 9; b++)
        {
            ReadOnlySpan<float> row = probabilities.AsSpan(b * 3, 3);
            Assert.Equal(1.0, row[0] + row[1] + row[2], 5);
            Assert.Equal(SoftmaxCrossEntropy.ArgMax(logits.AsSpan(b * 3, 3)), SoftmaxCrossEntropy.ArgMax(row));
        }

        Assert.Throws<ArgumentException>(() => model.Predict(tokens, new float[9]));
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void A_label_that_is_not_a_class_id_is_refused(float label)
    {
        var model = new MarkerClassifier();
        (int[] tokens, float[] labels) = TestData.RandomBatch(5, MarkerClassifier.Vocab, MarkerClassifier.SeqLen, 4, classes: 3);
        labels[2] = label;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients(tokens, labels));
        Assert.Contains("sample 2 is not a class id in [0, 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_learns_the_three_class_marker_task_and_Evaluate_reports_argmax_accuracy()
    {
        SequenceDataset train = MarkerClasses(new RnnRandom(1), 3000);
        SequenceDataset test = MarkerClasses(new RnnRandom(2), 600);
        var model = new MarkerClassifier(seed: 1);

        History history = model.Fit(train, epochs: 6, batchSize: 32, new Adam(1e-2f), validation: test, verbose: 0);

        Assert.True(history.Accuracy[^1] > 0.9, $"training accuracy {history.Accuracy[^1]:F3}");
        (double loss, double accuracy) = model.Evaluate(test);
        Assert.True(accuracy > 0.9, $"test accuracy {accuracy:F3}");
        Assert.Equal(history.ValAccuracy![^1], accuracy, 12);
        Assert.Equal(history.ValLoss![^1], loss, 6);

        float[] probabilities = model.Predict(test.Tokens);
        int correct = 0;
        for (int b = 0; b < test.Count; b++)
        {
            correct += SoftmaxCrossEntropy.ArgMax(probabilities.AsSpan(b * 3, 3)) == (int)test.Labels[b] ? 1 : 0;
        }

        Assert.Equal(accuracy, correct / (double)test.Count, 12);
    }

    [Fact]
    public void A_checkpoint_round_trips_and_is_refused_by_a_sigmoid_model_of_the_same_shapes()
    {
        string folder = Directory.CreateTempSubdirectory("rnngen-softmax").FullName;
        try
        {
            var model = new MarkerClassifier(seed: 5);
            TestData.RandomizeWeights(model, seed: 6);
            string path = Path.Combine(folder, "three.safetensors");
            Checkpoint.Save(path, model);
            var loaded = new MarkerClassifier(seed: 9);
            Checkpoint.Load(path, loaded);
            Assert.True(model.Parameters.SequenceEqual(loaded.Parameters));

            var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new MarkerDetectorGru()));
            Assert.Contains("N=3", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void One_and_two_threads_give_the_same_bits()
    {
        (int[] tokens, float[] labels) = TestData.RandomBatch(8, MarkerClassifier.Vocab, MarkerClassifier.SeqLen, 300, classes: 3);
        float[] Train(int threads)
        {
            var model = new MarkerClassifier(seed: 2) { Threads = threads };
            var optimizer = new RmsProp(1e-2f);
            for (int step = 0; step < 3; step++)
            {
                model.TrainStep(tokens, labels, optimizer);
            }

            return model.Parameters.ToArray();
        }

        Assert.Equal(Train(1), Train(2));
    }

    /// <summary>Class c ∈ {0, 1, 2}: the marker token c + 1 at one random position among ids 4 … Vocab − 1.</summary>
    private static SequenceDataset MarkerClasses(RnnRandom random, int count)
    {
        int seqLen = MarkerClassifier.SeqLen;
        var tokens = new int[count * seqLen];
        var labels = new float[count];
        for (int b = 0; b < count; b++)
        {
            for (int t = 0; t < seqLen; t++)
            {
                tokens[(b * seqLen) + t] = 4 + random.NextInt32(MarkerClassifier.Vocab - 4);
            }

            int label = random.NextInt32(3);
            tokens[(b * seqLen) + random.NextInt32(seqLen)] = label + 1;
            labels[b] = label;
        }

        return new SequenceDataset(tokens, labels, seqLen);
    }
}
