using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImdbSample;
using RnnGen.Data;
using Xunit.Abstractions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The sample's <c>serve</c> over real HTTP on loopback: health, single and batch predictions equal to the model's
/// own in-process results, the 4xx answers to bad requests, many concurrent requests, and the page driven by a real
/// headless browser.
/// </summary>
public sealed class ServeTests(ITestOutputHelper log)
{
    private static readonly string[] s_reviews =
    [
        "A good film with a GOOD cast, and a plot that is not bad at all!",
        "bad bad bad, the worst film",
        "",
        "good",
        "a film that is not good and not bad",
    ];

    [Fact]
    public async Task Health_predictions_and_errors_over_loopback()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, IRnnModel model, Vocabulary vocabulary) = CommandLineTests.TinySeedFolder(temp);
        using RunningService service = RunningService.Start(folder.Path, executable: null, "--max-body-bytes", "4096", "--max-texts", "4");
        using var http = new HttpClient { BaseAddress = service.Address };

        using JsonDocument health = JsonDocument.Parse(await http.GetStringAsync("/health"));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("seed", health.RootElement.GetProperty("model").GetString());

        float expected = Expected(model, vocabulary, folder, s_reviews[0]);
        using HttpResponseMessage one = await http.PostAsJsonAsync("/predict", new { text = s_reviews[0] });
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await one.Content.ReadAsStringAsync());
        Assert.Equal(expected > 0.5f ? "positive" : "negative", answer.RootElement.GetProperty("label").GetString());
        Assert.Equal(expected, answer.RootElement.GetProperty("probabilities")[1].GetSingle());
        Assert.True(answer.RootElement.GetProperty("elapsed_ms").GetDouble() >= 0);

        using HttpResponseMessage batch = await http.PostAsJsonAsync("/predict", new { texts = s_reviews[..4] });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        using JsonDocument answers = JsonDocument.Parse(await batch.Content.ReadAsStringAsync());
        float[] probabilities = [.. answers.RootElement.GetProperty("predictions").EnumerateArray().Select(static p => p.GetProperty("probabilities")[1].GetSingle())];
        Assert.Equal(s_reviews[..4].Select(r => Expected(model, vocabulary, folder, r)), probabilities);

        await AssertError(http, "{\"text\": ", "application/json", HttpStatusCode.BadRequest, "the body is not the JSON this service reads");
        await AssertError(http, "{\"txt\": \"hello\"}", "application/json", HttpStatusCode.BadRequest, "'txt' could not be mapped");
        await AssertError(http, "{}", "application/json", HttpStatusCode.BadRequest, "the body has neither \"text\" nor \"texts\"");
        await AssertError(http, "{\"text\": \"a\", \"texts\": [\"b\"]}", "application/json", HttpStatusCode.BadRequest, "not both");
        await AssertError(http, "{\"texts\": [\"a\", null]}", "application/json", HttpStatusCode.BadRequest, "holds a null");
        await AssertError(http, "{\"text\": 5}", "application/json", HttpStatusCode.BadRequest, "the body is not the JSON");
        await AssertError(http, "hello", "text/plain", HttpStatusCode.UnsupportedMediaType, "send the request as JSON");
        await AssertError(http, JsonSerializer.Serialize(new { text = new string('a', 5000) }), "application/json", HttpStatusCode.RequestEntityTooLarge, "larger than the service accepts");
        await AssertError(http, JsonSerializer.Serialize(new { texts = s_reviews }), "application/json", HttpStatusCode.RequestEntityTooLarge, "at most 4");

        string page = await http.GetStringAsync("/");
        Assert.Contains("<textarea id=\"review\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nothing")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_get_exactly_the_single_threaded_results()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, IRnnModel model, Vocabulary vocabulary) = CommandLineTests.TinySeedFolder(temp);
        using RunningService service = RunningService.Start(folder.Path);
        using var http = new HttpClient { BaseAddress = service.Address };
        string[] texts = [.. Enumerable.Range(0, 96).Select(i => $"{s_reviews[i % s_reviews.Length]} {string.Join(' ', Enumerable.Repeat("good", i % 7))} {string.Join(' ', Enumerable.Repeat("bad", i % 5))}")];
        float[] expected = [.. texts.Select(t => Expected(model, vocabulary, folder, t))];

        float[] served = await Task.WhenAll(texts.Select(async text =>
        {
            using HttpResponseMessage response = await http.PostAsJsonAsync("/predict", new { text });
            response.EnsureSuccessStatusCode();
            using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return answer.RootElement.GetProperty("probabilities")[1].GetSingle();
        }));

        Assert.Equal(expected, served);
    }

    [Fact]
    public async Task The_page_in_headless_Chromium_classifies_a_typed_review()
    {
        using var temp = new TempFolder();
        (ModelFolder folder, IRnnModel model, Vocabulary vocabulary) = CommandLineTests.TinySeedFolder(temp);
        using RunningService service = RunningService.Start(folder.Path);
        await using HeadlessChromium browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync(service.Address);
        await browser.WaitForAsync("document.readyState === 'complete' && document.getElementById('review') ? 'ready' : ''", TimeSpan.FromSeconds(30));
        await browser.EvaluateAsync("document.getElementById('review').focus()");
        await browser.TypeAsync(s_reviews[0]);
        Assert.Equal(s_reviews[0], (string?)await browser.EvaluateAsync("document.getElementById('review').value"));
        await browser.EvaluateAsync("document.getElementById('classify').click()");
        string shown = await browser.WaitForAsync(
            "document.getElementById('result').hidden ? document.getElementById('error').textContent && 'error: ' + document.getElementById('error').textContent : "
            + "[document.getElementById('label').textContent, document.getElementById('probability').textContent, document.getElementById('elapsed').textContent].join('|')",
            TimeSpan.FromSeconds(30));
        log.WriteLine($"The page shows: {shown}");

        float expected = Expected(model, vocabulary, folder, s_reviews[0]);
        string[] parts = shown.Split('|');
        Assert.Equal(3, parts.Length);
        Assert.Equal(expected > 0.5f ? "positive" : "negative", parts[0]);
        float shownProbability = float.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Math.Abs(shownProbability - (expected > 0.5f ? expected : 1 - expected)), 0, 1e-4);
        Assert.True(double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }

    private static float Expected(IRnnModel model, Vocabulary vocabulary, ModelFolder folder, string text) =>
        model.Predict(ImdbDataset.EncodeText(text, vocabulary, folder.ReadInfo().ToDataOptions()))[0];

    private static async Task AssertError(HttpClient http, string body, string contentType, HttpStatusCode status, string message)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using HttpResponseMessage response = await http.PostAsync("/predict", content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{body[..Math.Min(body.Length, 60)]}: {(int)response.StatusCode} {text}");
        using JsonDocument error = JsonDocument.Parse(text);
        Assert.Contains(message, error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
