using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RnnGen.IntegrationTests;

/// <summary>
/// Debian's Chromium in headless mode, driven over the Chrome DevTools Protocol (a WebSocket of JSON commands): open a
/// page, type into it as a keyboard does, click, and read the page back. test.sh installs the chromium package.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket;
    private readonly string _profile;
    private int _nextId;

    private HeadlessChromium(Process process, ClientWebSocket socket, string profile)
    {
        _process = process;
        _socket = socket;
        _profile = profile;
    }

    public static string Executable =>
        Environment.GetEnvironmentVariable("RNNGEN_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public static async Task<HeadlessChromium> StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new Xunit.Sdk.XunitException($"No Chromium at {Executable}: test.sh installs Debian's chromium package (apt-get install chromium), or set RNNGEN_CHROMIUM.");
        }

        string profile = Directory.CreateTempSubdirectory("rnngen-chromium-").FullName;
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        string? line;
        Uri? browser = null;
        while ((line = await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))) is not null)
        {
            Match match = DevTools().Match(line);
            if (match.Success)
            {
                browser = new Uri(match.Groups[1].Value);
                break;
            }
        }

        if (browser is null)
        {
            throw new InvalidOperationException("chromium printed no DevTools address");
        }

        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient();
        JsonArray targets = JsonNode.Parse(await http.GetStringAsync($"http://{browser.Authority}/json/list"))!.AsArray();
        string page = targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(page), CancellationToken.None);
        return new HeadlessChromium(process, socket, profile);
    }

    public Task NavigateAsync(Uri address) => SendAsync("Page.navigate", new JsonObject { ["url"] = address.ToString() });

    /// <summary>Types <paramref name="text"/> into the focused element, as text input from a keyboard.</summary>
    public Task TypeAsync(string text) => SendAsync("Input.insertText", new JsonObject { ["text"] = text });

    /// <summary>The value of a JavaScript expression on the page (promises awaited).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        JsonNode result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        return result["exceptionDetails"] is { } exception
            ? throw new InvalidOperationException($"the page threw: {exception.ToJsonString()}")
            : result["result"]?["value"];
    }

    /// <summary>Polls <paramref name="expression"/> until it is a non-empty string.</summary>
    public async Task<string> WaitForAsync(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await EvaluateAsync(expression) is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrEmpty(text))
            {
                return text;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"'{expression}' stayed empty for {timeout.TotalSeconds:F0} s");
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        int id = ++_nextId;
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        byte[] buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            JsonNode reply = JsonNode.Parse(message.ToArray())!;
            if (reply["id"] is { } replyId && replyId.GetValue<int>() == id)
            {
                return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"]!;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }

        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevTools();
}
