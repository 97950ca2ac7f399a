// The IMDB sentiment sample: train a generated recurrent classifier on the Large Movie Review Dataset, evaluate it on the
// 25,000 test reviews, and classify new text. See README.md beside this file.
using ConsoleAppFramework;
using ImdbSample;

// Parse errors go to stderr like every other error, which the commands print as one line with exit code 1.
ConsoleApp.LogError = static message => Console.Error.WriteLine($"error: {message}");
var app = ConsoleApp.Create();
app.Add("", Commands.Train);
app.Add("train", Commands.Train);
app.Add("evaluate", Commands.Evaluate);
app.Add("predict", Commands.Predict);
app.Add("export", Commands.Export);
app.Add("keras-attribute", Commands.KerasAttribute);
app.Add("serve", Commands.Serve);
app.Run(args);
