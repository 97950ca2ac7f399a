namespace ImdbSample;

/// <summary>The page at <c>/</c>: type a review, see the label, the probability and how long it took.</summary>
internal static class ServePage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>RnnGen sentiment</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
            textarea { width: 100%; height: 9rem; font: inherit; }
            #result { margin-top: 1rem; font-size: 1.2rem; }
            #error { color: #b00; }
          </style>
        </head>
        <body>
          <h1>Is this review positive?</h1>
          <textarea id="review" placeholder="Type a movie review"></textarea>
          <p><button id="classify">Classify</button></p>
          <div id="result" hidden>
            <strong id="label"></strong> with probability <span id="probability"></span>
            (<span id="elapsed"></span> ms in the model, <span id="roundtrip"></span> ms round trip)
          </div>
          <p id="error"></p>
          <script>
            document.getElementById("classify").addEventListener("click", async () => {
              const error = document.getElementById("error");
              error.textContent = "";
              const started = performance.now();
              try {
                const response = await fetch("/predict", {
                  method: "POST",
                  headers: { "Content-Type": "application/json" },
                  body: JSON.stringify({ text: document.getElementById("review").value }),
                });
                const answer = await response.json();
                if (!response.ok) { throw new Error(answer.error); }
                document.getElementById("label").textContent = answer.label;
                document.getElementById("probability").textContent = answer.probability.toFixed(4);
                document.getElementById("elapsed").textContent = answer.elapsed_ms.toFixed(2);
                document.getElementById("roundtrip").textContent = (performance.now() - started).toFixed(1);
                document.getElementById("result").hidden = false;
              } catch (e) {
                error.textContent = e.message;
              }
            });
          </script>
        </body>
        </html>
        """;
}
