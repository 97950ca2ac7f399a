using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using RnnGen.Keras.Hdf5;
using RnnGen.IO;

namespace RnnGen.Keras;

/// <summary>
/// Keras weights in and out of RnnGen models, in the three layouts Keras users hold:
/// <list type="bullet">
/// <item><c>.weights.h5</c>: Keras 3's <c>save_weights</c> (HDF5; <c>layers/&lt;class path&gt;/vars/&lt;i&gt;</c>; no config).</item>
/// <item><c>.keras</c>: Keras 3's <c>model.save</c>, a zip of <c>metadata.json</c>, <c>config.json</c> and
/// <c>model.weights.h5</c>.</item>
/// <item><c>.h5</c>: the legacy HDF5 of Keras 2.0 to tf.keras 2.15 (<c>model.save</c> with <c>model_config</c> and
/// <c>model_weights</c>, or <c>save_weights</c> with the layer groups at the root), which Keras 3 still reads.</item>
/// </list>
/// Loading checks the architecture a file records against the model and names every difference, checks every array's
/// shape before reading it, and changes the model only once everything has been read. Saving replaces the file
/// atomically. The weights are Keras' own arrays, unchanged (docs/keras-conventions.md), so a round trip is bit exact.
/// </summary>
public static class KerasFiles
{
    /// <summary>The Keras 3 release whose <c>.keras</c> and <c>.weights.h5</c> layout the writers follow.</summary>
    public const string KerasVersion = "3.13.2";

    /// <summary>The tf.keras release whose legacy <c>.h5</c> layout the writer follows.</summary>
    public const string LegacyKerasVersion = "2.15.0";

    private const string ConfigEntry = "config.json";
    private const string MetadataEntry = "metadata.json";
    private const string WeightsEntry = "model.weights.h5";
    private const long MaxJsonBytes = 64L << 20;

    /// <summary>
    /// Saves the model's weights in the format its extension names: <c>.keras</c>, <c>.weights.h5</c> or (legacy) <c>.h5</c>.
    /// </summary>
    public static void SaveKeras(this IRnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (FormatOf(path))
        {
            case KerasFormat.Keras:
                {
                    // Checked before writing anything: Keras 3 has no config for a hard_sigmoid LSTM/GRU.
                    string config = KerasConfigWriter.Write(model.Description, keras3: true);
                    byte[] weights = WeightsBytes(model, legacy: false);
                    AtomicFile.Write(path, stream => WriteArchive(stream, config, weights));
                    break;
                }

            case KerasFormat.WeightsH5:
                {
                    byte[] weights = WeightsBytes(model, legacy: false);
                    AtomicFile.Write(path, stream => stream.Write(weights));
                    break;
                }

            default:
                {
                    byte[] weights = WeightsBytes(model, legacy: true);
                    AtomicFile.Write(path, stream => stream.Write(weights));
                    break;
                }
        }
    }

    /// <summary>
    /// Loads a <c>.keras</c>, <c>.weights.h5</c> or legacy <c>.h5</c> file into <paramref name="model"/> (the layout is
    /// recognized from the content). A file of another architecture, an array of another shape, a damaged file or a
    /// layout this reader does not know is a <see cref="KerasFileException"/> naming the file, the place and the
    /// difference; the model is then unchanged.
    /// </summary>
    public static void LoadKeras(this IRnnModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        long budget = 8L * model.Description.ParameterCount + (64L << 20);
        float[] parameters = Guarded(path, () =>
        {
            KerasFile file = KerasFile.Open(path, budget);
            if (file.Architecture is { } architecture)
            {
                IReadOnlyList<string> mismatches = architecture.Mismatches(model.Description);
                if (mismatches.Count > 0)
                {
                    throw new KerasFileException(
                        $"{path} holds another model than {model.Description.Name} ({model.Description.SpecText}): {string.Join("; ", mismatches)}.{VersionNote(architecture.KerasVersion)}");
                }
            }

            return StoredWeights.Read(file.Layers, model.Description, path);
        });
        parameters.CopyTo(model.Parameters);
    }

    /// <summary>
    /// The architecture a Keras file records: from its config (<c>.keras</c>, legacy full-model <c>.h5</c>), or, for a
    /// weights-only file, what the array shapes say (then masking, activations and the sequence length are unknown and
    /// take Keras' defaults). <see cref="KerasArchitecture.ToAttribute"/> prints the matching <c>[RnnModel(...)]</c>.
    /// </summary>
    public static KerasArchitecture ReadArchitecture(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Guarded(path, () =>
        {
            KerasFile file = KerasFile.Open(path, Array.MaxLength);
            return file.Architecture ?? StoredWeights.Infer(file.Layers, path);
        });
    }

    // A damaged or unsupported HDF5 structure (HdfFormatException), a size the file claims that does not fit
    // (OverflowException), a damaged zip (InvalidDataException) or a config of unexpected JSON types
    // (InvalidOperationException, KeyNotFoundException from System.Text.Json) becomes a KerasFileException naming the
    // file. A missing file stays a FileNotFoundException.
    private static T Guarded<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is HdfFormatException or OverflowException or InvalidDataException or InvalidOperationException or KeyNotFoundException)
        {
            throw new KerasFileException($"{path} is damaged or not a Keras file this reader understands: {e.Message}", e);
        }
    }

    internal enum KerasFormat
    {
        Keras,
        WeightsH5,
        LegacyH5,
    }

    internal static KerasFormat FormatOf(string path) =>
        path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) ? KerasFormat.Keras
        : path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase) ? KerasFormat.WeightsH5
        : path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase) ? KerasFormat.LegacyH5
        : throw new ArgumentException($"'{path}' names no Keras format: use .keras, .weights.h5 or .h5.", nameof(path));

    private static string VersionNote(string? version) => version is null ? string.Empty : $" (written by Keras {version})";

    private static byte[] WeightsBytes(IRnnModel model, bool legacy) => legacy ? KerasH5Writer.Legacy(model) : KerasH5Writer.Keras3(model);

    // Keras' order and storage: metadata.json, config.json, model.weights.h5, all stored uncompressed.
    private static void WriteArchive(Stream stream, string config, byte[] weights)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        string metadata = string.Create(CultureInfo.InvariantCulture,
            $$"""{"keras_version": "{{KerasVersion}}", "date_saved": "{{DateTime.UtcNow:yyyy-MM-dd@HH:mm:ss}}"}""");
        foreach ((string name, byte[] content) in new[] { (MetadataEntry, Encoding.UTF8.GetBytes(metadata)), (ConfigEntry, Encoding.UTF8.GetBytes(config)), (WeightsEntry, weights) })
        {
            ZipArchiveEntry entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
            using Stream entryStream = entry.Open();
            entryStream.Write(content);
        }
    }

    /// <summary>An opened Keras file: its stored layers, and its architecture where it records one.</summary>
    private sealed class KerasFile
    {
        private KerasFile(IReadOnlyList<StoredLayer> layers, KerasArchitecture? architecture)
        {
            Layers = layers;
            Architecture = architecture;
        }

        public IReadOnlyList<StoredLayer> Layers { get; }

        public KerasArchitecture? Architecture { get; }

        public static KerasFile Open(string path, long budget)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"There is no Keras file '{path}'.", path);
            }

            // One open: the first bytes tell a zip (.keras) from HDF5, then the same stream is read as that.
            using FileStream stream = File.OpenRead(path);
            byte[] head = new byte[4];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            if (read == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            {
                return OpenArchive(stream, path, budget);
            }

            var buffer = new MemoryStream();
            CopyCapped(stream, buffer, budget, path);
            byte[] file = buffer.ToArray();
            if (HdfReader.HasSignature(file))
            {
                return OpenHdf5(HdfReader.Open(file).Root, path, config: null, configSource: null, archiveVersion: null);
            }

            throw new KerasFileException($"{path} is not a Keras file: neither a zip archive (.keras) nor HDF5 (.weights.h5, .h5).");
        }

        private static KerasFile OpenArchive(Stream stream, string path, long budget)
        {
            using ZipArchive archive = OpenZip(stream, path);
            string? version = null;
            if (archive.GetEntry(MetadataEntry) is { } metadataEntry)
            {
                version = ReadVersion(ReadText(metadataEntry, path), path);
            }

            ZipArchiveEntry configEntry = archive.GetEntry(ConfigEntry)
                ?? throw new KerasFileException($"{path}: the archive has no {ConfigEntry} (entries: {string.Join(", ", archive.Entries.Select(static e => e.FullName))}), so it is no .keras file.");
            string config = ReadText(configEntry, path);
            ZipArchiveEntry weightsEntry = archive.GetEntry(WeightsEntry)
                ?? throw new KerasFileException(
                    $"{path}: the archive has no {WeightsEntry} (entries: {string.Join(", ", archive.Entries.Select(static e => e.FullName))}){VersionNote(version)}; RnnGen reads Keras' default HDF5 weights, not the npz or sharded forms.");

            // Read into memory, up to what the model's weights can take, whatever the entry's header claims.
            var weights = new MemoryStream();
            using (Stream entry = weightsEntry.Open())
            {
                CopyCapped(entry, weights, budget, $"{path}: {WeightsEntry}");
            }

            string where = $"{path}: {WeightsEntry}";
            byte[] bytes = weights.ToArray();
            if (!HdfReader.HasSignature(bytes))
            {
                throw new KerasFileException($"{where} is not HDF5.");
            }

            return OpenHdf5(HdfReader.Open(bytes).Root, where, config, $"{path}: {ConfigEntry}", version);
        }

        private static KerasFile OpenHdf5(HdfGroup root, string where, string? config, string? configSource, string? archiveVersion)
        {
            if (config is not null)
            {
                KerasArchitecture architecture = KerasConfigReader.Parse(config, configSource!, archiveVersion);
                return new KerasFile(StoredWeights.Keras3(root, where), architecture);
            }

            if (root.Has("layers"))
            {
                return new KerasFile(StoredWeights.Keras3(root, where), null);
            }

            HdfGroup? modelWeights = root.Find("model_weights") as HdfGroup;
            if (root.HasAttribute("nb_layers") || (modelWeights?.HasAttribute("nb_layers") ?? false))
            {
                throw new KerasFileException($"{where} is a Keras 1 file (nb_layers, param_0 …); RnnGen reads Keras 2.0 and later.");
            }

            string? version = StringAttribute(root, "keras_version");
            if (root.HasAttribute("layer_names") || root.HasAttribute("layer_names0"))
            {
                // save_weights of Keras 2: the layer groups sit at the root, and there is no config.
                return new KerasFile(StoredWeights.Legacy(root, string.Empty, where), null);
            }

            if (modelWeights is not null)
            {
                version ??= StringAttribute(modelWeights, "keras_version");
                KerasArchitecture? architecture = root.HasAttribute("model_config")
                    ? KerasConfigReader.Parse(StringAttribute(root, "model_config") ?? string.Empty, $"{where} (model_config)", version)
                    : null;
                return new KerasFile(StoredWeights.Legacy(modelWeights, "model_weights/", where), architecture);
            }

            throw new KerasFileException(
                $"{where} is HDF5 but no Keras weights layout this reader knows: no 'layers' group (Keras 3), no 'layer_names' attribute or 'model_weights' group (Keras 2){VersionNote(version)}.");
        }

        private static ZipArchive OpenZip(Stream stream, string path)
        {
            try
            {
                return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                throw new KerasFileException($"{path} is a damaged zip archive: {e.Message}", e);
            }
        }

        private static string ReadText(ZipArchiveEntry entry, string path)
        {
            using Stream stream = entry.Open();
            var buffer = new MemoryStream();
            CopyCapped(stream, buffer, MaxJsonBytes, $"{path}: {entry.FullName}");
            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        // Reads at most `cap` bytes, whatever the archive's header claims.
        private static void CopyCapped(Stream source, Stream target, long cap, string what)
        {
            byte[] chunk = new byte[1 << 16];
            long total = 0;
            int n;
            try
            {
                while ((n = source.Read(chunk, 0, chunk.Length)) > 0)
                {
                    total += n;
                    if (total > cap)
                    {
                        throw new KerasFileException($"{what} is larger than {cap:N0} bytes, more than the model's weights can take.");
                    }

                    target.Write(chunk, 0, n);
                }
            }
            catch (InvalidDataException e)
            {
                throw new KerasFileException($"{what} is damaged: {e.Message}", e);
            }
        }

        private static string? ReadVersion(string metadata, string path)
        {
            try
            {
                using var document = JsonDocument.Parse(metadata);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("keras_version", out JsonElement version)
                    && version.ValueKind == JsonValueKind.String ? version.GetString() : null;
            }
            catch (JsonException e)
            {
                throw new KerasFileException($"{path}: {MetadataEntry} is not JSON ({e.Message}).", e);
            }
        }

        private static string? StringAttribute(HdfObject owner, string name) =>
            owner.HasAttribute(name) && owner.Attribute(name) is { IsString: true } attribute && attribute.Strings() is [string value] ? value : null;
    }
}
