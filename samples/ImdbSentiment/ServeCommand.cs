using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RnnGen;
using RnnGen.Data;
using RnnGen.Serving;

namespace ImdbSample;

/// <summary>
/// <c>serve</c>: the model folder behind an HTTP service (ASP.NET Core minimal API on Kestrel, <c>CreateSlimBuilder</c>,
/// NativeAOT-safe: handlers are plain request delegates and JSON goes through a source-generated context).
/// <list type="bullet">
/// <item><c>POST /predict</c> with <c>{"text": "..."}</c> or <c>{"texts": ["...", ...]}</c>: the label, its probability, every
/// class's probability and the server's time; clear 4xx errors (400 bad JSON or fields, 413 a body over the limit or
/// too many texts, 415 not JSON).</item>
/// <item><c>GET /health</c>: the model and the process's memory.</item>
/// <item><c>GET /</c>: a page where a person types a review and sees the label, the probability and the time.</item>
/// </list>
/// Requests run on the thread pool; a <see cref="TextPredictor"/> gives each one a model replica, so concurrent requests
/// get exactly the single-threaded results.
/// </summary>
internal static class ServeCommand
{
    public static int Run(ModelFolder folder, string? requestedModel, string urls, long maxBodyBytes, int maxTexts, TextWriter output)
    {
        if (maxBodyBytes <= 0 || maxTexts <= 0)
        {
            throw new UsageException("--max-body-bytes and --max-texts must be positive.");
        }

        (ModelEntry entry, TextClassifier classifier, ModelInfo info) = folder.LoadModel(requestedModel);
        using var predictor = new TextPredictor(classifier, () => entry.Create(0));

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBodyBytes);
        WebApplication app = builder.Build();
        var service = new PredictionService(predictor, entry.Name, info.Spec, maxTexts);
        app.MapGet("/", static context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(ServePage.Html);
        });
        app.MapGet("/health", service.Health);
        app.MapPost("/predict", service.Predict);
        app.Start();

        string addresses = string.Join(", ", app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses);
        output.WriteLine($"Serving {entry.Name} ({info.Spec}) from {folder.Path} on {addresses} (POST /predict, GET /health, the page at /); Ctrl+C stops.");
        output.Flush();
        app.WaitForShutdown();
        return 0;
    }
}

/// <summary>The handlers: JSON in and out through <see cref="ServeJsonContext"/>, every client mistake a 4xx with a message.</summary>
internal sealed class PredictionService(TextPredictor predictor, string model, string spec, int maxTexts)
{
    public Task Health(HttpContext context)
    {
        using var process = Process.GetCurrentProcess();
        var health = new HealthResponse("ok", model, spec, process.WorkingSet64 / (1024 * 1024), GC.GetTotalMemory(forceFullCollection: false) / (1024 * 1024));
        return context.Response.WriteAsJsonAsync(health, ServeJsonContext.Default.HealthResponse);
    }

    public async Task Predict(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            await Error(context, StatusCodes.Status415UnsupportedMediaType, "send the request as JSON (Content-Type: application/json)");
            return;
        }

        PredictRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, ServeJsonContext.Default.PredictRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await Error(context, StatusCodes.Status400BadRequest, $"the body is not the JSON this service reads ({e.Message})");
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await Error(context, StatusCodes.Status413PayloadTooLarge, "the body is larger than the service accepts (--max-body-bytes)");
            return;
        }

        string? problem = request switch
        {
            null => "the body is null; send {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}",
            { Text: not null, Texts: not null } => "send either \"text\" or \"texts\", not both",
            { Text: null, Texts: null } => "the body has neither \"text\" nor \"texts\"; send {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}",
            { Texts: { } given } when given.Any(static t => t is null) => "\"texts\" holds a null; every text must be a string",
            _ => null,
        };
        if (problem is not null)
        {
            await Error(context, StatusCodes.Status400BadRequest, problem);
            return;
        }

        if (request!.Texts is { Length: var count } && count > maxTexts)
        {
            await Error(context, StatusCodes.Status413PayloadTooLarge, $"{count} texts in one request; the service takes at most {maxTexts} (--max-texts)");
            return;
        }

        long start = Stopwatch.GetTimestamp();
        string[] texts = request.Texts is null ? [request.Text!] : [.. request.Texts.Select(static t => t!)];
        IReadOnlyList<TextPrediction> predictions = predictor.Predict(texts);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        PredictionResponse[] responses = [.. predictions.Select(static p => new PredictionResponse(p.Label, p.ClassId, p.Probability, [.. p.Probabilities]))];
        if (request.Texts is null)
        {
            await context.Response.WriteAsJsonAsync(responses[0] with { ElapsedMs = elapsed }, ServeJsonContext.Default.PredictionResponse);
        }
        else
        {
            await context.Response.WriteAsJsonAsync(new BatchResponse(responses, elapsed), ServeJsonContext.Default.BatchResponse);
        }
    }

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message), ServeJsonContext.Default.ErrorResponse);
    }
}

internal sealed record PredictRequest(
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("texts")] string?[]? Texts);

internal sealed record PredictionResponse(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("class_id")] int ClassId,
    [property: JsonPropertyName("probability")] float Probability,
    [property: JsonPropertyName("probabilities")] float[] Probabilities)
{
    /// <summary>The server's time for the prediction (tokenizing included), on a single answer.</summary>
    [JsonPropertyName("elapsed_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ElapsedMs { get; init; }
}

internal sealed record BatchResponse(
    [property: JsonPropertyName("predictions")] PredictionResponse[] Predictions,
    [property: JsonPropertyName("elapsed_ms")] double ElapsedMs);

internal sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("spec")] string Spec,
    [property: JsonPropertyName("working_set_mb")] long WorkingSetMb,
    [property: JsonPropertyName("managed_heap_mb")] long ManagedHeapMb);

internal sealed record ErrorResponse([property: JsonPropertyName("error")] string Error);

[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(PredictionResponse))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
internal sealed partial class ServeJsonContext : JsonSerializerContext
{
}
