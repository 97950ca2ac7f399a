using RnnGen;
using RnnGen.Data;
using RnnGen.Execution;

namespace ImdbSample;

/// <summary>
/// How far off a star-rating model is, in stars: the accuracy of its argmax class, the share of reviews whose predicted
/// rating is within one star of the true one, and the mean absolute error in stars; beside the majority-class baseline
/// (the training split's most frequent rating predicted for every review).
/// </summary>
internal static class RatingMetrics
{
    /// <summary>The figures of one predictor on the test split.</summary>
    internal sealed record Figures(double Accuracy, double WithinOneStar, double MeanAbsoluteError)
    {
        /// <summary>The figures as the commands print them, after <paramref name="what"/>.</summary>
        public string Line(string what) => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{what}: accuracy {Accuracy:F4}, within one star {WithinOneStar:F4}, mean absolute error {MeanAbsoluteError:F3} stars.");
    }

    /// <summary>The model's figures and the majority baseline's, predicting in batches.</summary>
    public static (Figures Model, Figures Majority, int MajorityStars) Evaluate(IRnnModel model, SequenceDataset test, SequenceDataset train, int batchSize)
    {
        int classes = model.Description.Classes;
        int[] predicted = new int[test.Count];
        float[] probabilities = new float[batchSize * classes];
        for (int start = 0; start < test.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, test.Count - start);
            Span<float> output = probabilities.AsSpan(0, count * classes);
            model.Predict(test.Tokens.AsSpan(start * test.SeqLen, count * test.SeqLen), output);
            for (int i = 0; i < count; i++)
            {
                predicted[start + i] = SoftmaxCrossEntropy.ArgMax(output.Slice(i * classes, classes));
            }
        }

        int majority = Enumerable.Range(0, classes).MaxBy(k => train.Labels.Count(label => (int)label == k));
        return (Score(predicted, test.Labels), Score(Enumerable.Repeat(majority, test.Count).ToArray(), test.Labels), ImdbReader.RatingStars[majority]);
    }

    private static Figures Score(int[] predicted, float[] labels)
    {
        long correct = 0, withinOne = 0;
        double absoluteError = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            int stars = ImdbReader.RatingStars[predicted[i]];
            int truth = ImdbReader.RatingStars[(int)labels[i]];
            correct += stars == truth ? 1 : 0;
            withinOne += Math.Abs(stars - truth) <= 1 ? 1 : 0;
            absoluteError += Math.Abs(stars - truth);
        }

        return new Figures((double)correct / predicted.Length, (double)withinOne / predicted.Length, absoluteError / predicted.Length);
    }
}
