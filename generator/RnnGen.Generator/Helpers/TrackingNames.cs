namespace RnnGen.Generator.Helpers;

/// <summary>The names of the pipeline stages, read by the incremental-caching tests.</summary>
public static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Specs = nameof(Specs);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Kernels = nameof(Kernels);
}
