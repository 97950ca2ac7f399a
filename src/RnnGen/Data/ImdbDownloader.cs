using System.Security.Cryptography;
using RnnGen.Progress;

namespace RnnGen.Data;

/// <summary>A file to download, its expected SHA-256 (lowercase hex) and the name it is saved under.</summary>
public sealed record DownloadSource(Uri Uri, string Sha256, string FileName)
{
    /// <summary>Stanford's original <c>aclImdb_v1.tar.gz</c> (84 MB).</summary>
    public static DownloadSource Original { get; } = new(
        new Uri("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"),
        "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
        DataLocator.OriginalArchiveName);
}

/// <summary>
/// Downloads an archive into a folder with a textual progress bar. The bytes go to a temporary file in the same folder and
/// are hashed on the way; only a file whose SHA-256 matches is renamed into place, so a failed or tampered download never
/// leaves a file behind.
/// </summary>
public static class ImdbDownloader
{
    /// <summary>
    /// Downloads <paramref name="source"/> into <paramref name="folder"/> and returns the file's path. A
    /// <paramref name="handler"/> replaces the network (it must implement the synchronous <c>Send</c>); progress is written
    /// to <paramref name="progress"/> when it is not null.
    /// </summary>
    public static string Download(DownloadSource source, string folder, HttpMessageHandler? handler = null, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        string target = Path.Combine(folder, source.FileName);
        string temporary = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            using HttpClient client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            client.Timeout = Timeout.InfiniteTimeSpan;
            using var request = new HttpRequestMessage(HttpMethod.Get, source.Uri);
            using HttpResponseMessage response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                throw new ImdbDataException($"Downloading {source.Uri} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            progress?.WriteLine($"Downloading {source.Uri} to {target}");
            var bar = new ProgressBar(progress, response.Content.Headers.ContentLength);
            string actual;
            using (Stream body = response.Content.ReadAsStream())
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                byte[] buffer = new byte[1 << 16];
                long received = 0;
                int read;
                while ((read = body.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                    received += read;
                    bar.Report(received);
                }

                bar.Finish(received);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(actual, source.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ImdbDataException(
                    $"The download of {source.Uri} has SHA-256 {actual}, not the expected {source.Sha256}; it was discarded.");
            }

            File.Move(temporary, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            throw new ImdbDataException(
                $"Could not download {source.Uri} to '{target}': {e.Message.TrimEnd('.')}. Without internet, put {DataLocator.OriginalArchiveName} or " +
                $"{DataLocator.LabeledArchiveName} in '{folder}' or set {DataLocator.EnvironmentVariable}.",
                e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Draws <c>[#####.....]  42%  35.2/84.1 MB</c>, redrawn with a carriage return when the percentage changes.</summary>
    private sealed class ProgressBar(TextWriter? output, long? total)
    {
        private const int Width = 30;
        private long _lastShown = -1;

        public void Report(long received)
        {
            if (output is null)
            {
                return;
            }

            // Redraw per whole percent (or per megabyte when the size is unknown) so a fast download does not flood the console.
            long step = total is > 0 ? received * 100 / total.Value : received >> 20;
            if (step != _lastShown)
            {
                _lastShown = step;
                output.Write('\r' + Describe(received));
            }
        }

        public void Finish(long received)
        {
            if (output is not null)
            {
                output.Write('\r' + Describe(received));
                output.WriteLine();
            }
        }

        private string Describe(long received)
        {
            string megabytes = FormattableString.Invariant($"{received / 1e6:F1}");
            if (total is not > 0)
            {
                return $"{megabytes} MB";
            }

            double fraction = Math.Min(1.0, (double)received / total.Value);
            int done = (int)(fraction * Width);
            return FormattableString.Invariant(
                $"[{new string('#', done)}{new string('.', Width - done)}] {fraction * 100,3:F0}%  {megabytes}/{total.Value / 1e6:F1} MB");
        }
    }
}
